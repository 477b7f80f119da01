/**
 * Shared field schemas: a person's or bank's name must be something a bank file can carry (issue 12
 * review: a name with U+FFFE or a lone surrogate was accepted, then made a whole batch's pain.001 and CSV
 * unavailable, every payment of it already SENT).
 */
import { describe, expect, it } from 'vitest';
import { PersonName } from '../../../functions/_shared/schemas.ts';

describe('PersonName', () => {
  it('accepts Chinese names, with a supplementary-plane character (a surrogate pair)', () => {
    for (const name of ['张三', '𠮷野家', '欧阳 娜娜', 'Zhang San']) expect(PersonName.safeParse(name).success, name).toBe(true);
  });

  it('refuses what an XML document cannot carry: U+FFFE, U+FFFF, a lone surrogate, control characters', () => {
    for (const name of ['张\uFFFE三', '张\uFFFF', 'a\uD800b', '\uDC00张', '张\u0007三']) {
      const parsed = PersonName.safeParse(name);
      expect(parsed.success, JSON.stringify(name)).toBe(false);
    }
  });
});
