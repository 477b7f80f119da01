/**
 * `node --import tsx bench/scenarios.ts [bench/results/full.json]`: the cost scenarios of docs/scale.md
 * from a run's measured inputs (writes, bytes, reads per order) — the model is bench/lib/cost.ts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { costInputs, type BenchResults } from './report.ts';
import { costPerMillionOrders, type CostInputs } from './lib/cost.ts';

const file = process.argv[2] ?? resolve(import.meta.dirname, 'results/full.json');
const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
if (!results.ingestion) throw new Error(`${file} has no ingestion results`);
const base = costInputs(results.ingestion);
const scenarios: [string, CostInputs][] = [
  ['A. as built, all 13 months in DynamoDB, on-demand', { ...base, hotDays: 395 }],
  ['B. as built, 45 days hot + TTL + S3 archive, on-demand', base],
  ['C. B with provisioned writes at 70% utilisation', { ...base, provisionedUtilisation: 0.7 }],
  ['D. B without transactions (counters from the stream), on-demand', { ...base, transactional: false, itemWritesPerOrder: 1.01 }],
  ['E. D + provisioned at 70% + 7 days hot', { ...base, transactional: false, itemWritesPerOrder: 1.01, provisionedUtilisation: 0.7, hotDays: 7 }],
  ['F. E with 1-year reserved capacity (≈ 0.00030 USD/WCU-h effective, i.e. provisioned price × 0.46)', { ...base, transactional: false, itemWritesPerOrder: 1.01, provisionedUtilisation: 0.7 / 0.46, hotDays: 7 }],
];
console.log('inputs', JSON.stringify(base));
for (const [name, inputs] of scenarios) {
  const { lines, total } = costPerMillionOrders(inputs);
  console.log(`\n${name}: ${total.toFixed(2)} USD per million orders`);
  for (const l of lines) console.log(`  ${l.item}: ${l.usd.toFixed(3)} (${l.basis})`);
}
