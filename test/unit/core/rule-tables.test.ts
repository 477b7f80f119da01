import { describe, expect, it } from 'vitest';
import { latestRuleTable, RULE_TABLES, ruleTableById, ruleTableOn } from '../../../core/index.ts';

describe('rule tables', () => {
  it('picks the version in force on a date, the first one before the pilot', () => {
    expect(ruleTableOn('2021-01-01').id).toBe('statutory-2022-07-01');
    expect(ruleTableOn('2022-07-01').id).toBe('statutory-2022-07-01');
    expect(ruleTableOn('2025-06-30').id).toBe('statutory-2022-07-01');
    expect(ruleTableOn('2025-07-01').id).toBe('statutory-2025-07-01');
    expect(latestRuleTable().id).toBe('statutory-2025-07-01');
    expect(ruleTableById('statutory-2022-07-01')?.effectiveFrom).toBe('2022-07-01');
    expect(ruleTableById('nope')).toBeUndefined();
  });

  it('versions are ordered, uniquely named and named after their start', () => {
    const ids = RULE_TABLES.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [i, t] of RULE_TABLES.entries()) {
      expect(t.id).toBe(`statutory-${t.effectiveFrom}`);
      if (i > 0) expect(t.effectiveFrom > RULE_TABLES[i - 1]!.effectiveFrom).toBe(true);
    }
  });
});
