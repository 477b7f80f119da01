import { NOTIFICATION_KINDS } from '../../core/index.ts';
import * as z from '../_shared/zod.ts';

const NotificationSchema = z.withMeta(
  z.object({
    notificationId: z.string(),
    at: z.withMeta(z.string(), { description: 'When the event it tells of happened (RFC 3339).' }),
    kind: z.enum(NOTIFICATION_KINDS),
    text: z.withMeta(z.string(), { description: 'The message in simplified Chinese, as sent by SMS: no ID number, phone, bank account, diagnosis or name.' }),
    caseId: z.optional(z.string()),
  }),
  { id: 'Notification' },
);

export const NotificationsResponse = z.withMeta(z.object({ items: z.array(NotificationSchema) }), { id: 'Notifications' });
