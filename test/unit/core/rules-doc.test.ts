import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRulesDoc, RULE_TABLES, RULES_CATALOGUE } from '../../../core/index.ts';

describe('docs/rules.md', () => {
  it('is exactly what the generator produces from the rule tables and seeds (run `npm run docs:rules` after a change)', () => {
    const committed = readFileSync(new URL('../../../docs/rules.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderRulesDoc());
  });

  it('lists every decision D1–D12 D16 (the certification period) and D17 (appeal periods), D21 (the reminder window) and every constant path resolves in every table version', () => {
    expect(RULES_CATALOGUE.map((r) => r.id)).toEqual(['D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8', 'D9', 'D10', 'D11', 'D12', 'D16', 'D17', 'D21']);
    for (const entry of RULES_CATALOGUE) {
      for (const path of entry.constants) {
        for (const table of RULE_TABLES) {
          const value = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], table);
          expect(value, `${entry.id} ${path} in ${table.id}`).not.toBeUndefined();
        }
      }
    }
  });
});
