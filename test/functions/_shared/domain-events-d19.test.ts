/**
 * The D19 branches of the stream → domain-event mapping: a month turning CLOSED announces
 * `declaration.closed` (once per close: a reopening, a settlement or an unchanged CLOSED announce nothing),
 * a stored credit record announces `credit_record.created` (its resolution announces nothing).
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { domainEventOf, parseDomainEvent } from '../../../functions/_shared/domain-events.ts';

const record = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', next?: Record<string, unknown>, prev?: Record<string, unknown>): DynamoDBRecord => ({
  eventID: 'ev-1',
  eventName,
  dynamodb: {
    ApproximateCreationDateTime: 1_790_000_000,
    ...(next ? { NewImage: marshall(next) as never } : {}),
    ...(prev ? { OldImage: marshall(prev) as never } : {}),
  },
});

const month = { pk: 'DECL#plt_1#2026-10', sk: 'DECLARATION', platformId: 'plt_1', month: '2026-10', settledFen: 0 };

describe('declaration.closed', () => {
  it('is announced when the month becomes CLOSED: by the scheduled close, or by closing a reopened month', () => {
    const first = domainEventOf(record('INSERT', { ...month, status: 'CLOSED', totalFen: 700 }));
    expect(first).toMatchObject({ id: 'ev-1', type: 'declaration.closed', data: { platformId: 'plt_1', month: '2026-10', declarationId: 'plt_1#2026-10' } });
    expect(parseDomainEvent(first)).toEqual(first);
    expect(domainEventOf(record('MODIFY', { ...month, status: 'CLOSED' }, { ...month, status: 'REOPENED' }))?.type).toBe('declaration.closed');
    // A month with settlements but no status yet turning CLOSED.
    expect(domainEventOf(record('MODIFY', { ...month, status: 'CLOSED' }, { ...month, settledFen: 5 }))?.type).toBe('declaration.closed');
  });

  it('is not announced by a reopening, a settlement on a closed month, or a settlement before the close', () => {
    expect(domainEventOf(record('MODIFY', { ...month, status: 'REOPENED' }, { ...month, status: 'CLOSED' }))).toBeUndefined();
    expect(domainEventOf(record('MODIFY', { ...month, status: 'CLOSED', settledFen: 9 }, { ...month, status: 'CLOSED' }))).toBeUndefined();
    expect(domainEventOf(record('INSERT', { ...month, settledFen: 9 }))).toBeUndefined();
    expect(domainEventOf(record('REMOVE', undefined, { ...month, status: 'CLOSED' }))).toBeUndefined();
  });
});

describe('credit_record.created', () => {
  const credit = { pk: 'CREDIT#CR-1', sk: 'CREDIT', recordId: 'CR-1', platformId: 'plt_1', creditType: 'UNPAID_CONTRIBUTIONS', status: 'open' };

  it('is announced once, when the record is stored; its resolution announces nothing', () => {
    const created = domainEventOf(record('INSERT', credit));
    expect(created).toMatchObject({ type: 'credit_record.created', data: { platformId: 'plt_1', creditRecordId: 'CR-1' } });
    expect(parseDomainEvent(created)).toEqual(created);
    expect(domainEventOf(record('MODIFY', { ...credit, status: 'resolved', resolvedOn: '2026-11-20' }, credit))).toBeUndefined();
  });

  it('settlements are announced by nothing', () => {
    expect(domainEventOf(record('INSERT', { pk: 'DECL#plt_1#2026-10', sk: 'SETTLEMENT#S1', amountFen: 5 }))).toBeUndefined();
  });
});
