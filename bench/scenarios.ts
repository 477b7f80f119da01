/**
 * `node --import tsx bench/scenarios.ts [bench/results/full.json]`: the cost scenarios of docs/scale.md
 * from a run's measured inputs (writes, bytes, reads per order) — the model is bench/lib/cost.ts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { costInputs, type BenchResults } from './report.ts';
import { CHINA_PRICES_CNY, costPerMillionOrders, costScenarios, PRICES } from './lib/cost.ts';

const file = process.argv[2] ?? resolve(import.meta.dirname, 'results/full.json');
const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
if (!results.ingestion) throw new Error(`${file} has no ingestion results`);
const base = costInputs(results.ingestion);
console.log('inputs', JSON.stringify(base));
for (const { id, name, inputs, needs, recommended } of costScenarios(base)) {
  const { lines, total } = costPerMillionOrders(inputs);
  console.log(`\n${id}. ${name}${recommended ? ' (recommended)' : ''}: ${total.toFixed(2)} USD per million orders; needs: ${needs}`);
  for (const l of lines) console.log(`  ${l.item}: ${l.usd.toFixed(3)} (${l.basis})`);
}
const usdPerCny = 1 / 7.2;
console.log(
  `\nChina regions (CNY at 7.2/USD): on-demand WRU ${(CHINA_PRICES_CNY.onDemandWriteRequestUnitPerMillion * usdPerCny).toFixed(3)} USD/M (us-east-1 ${PRICES.dynamoWriteRequestUnitPerMillion}), ` +
    `provisioned WCU-h ${(CHINA_PRICES_CNY.provisionedWcuHour * usdPerCny).toFixed(5)} USD (us-east-1 ${PRICES.dynamoProvisionedWcuHour})`,
);
