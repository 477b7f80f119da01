/**
 * `npm run deploy -- --stage <name> [cdk options]` and `npm run diff -- --stage <name> [cdk options]`:
 * checks that config/stages/<name>.json loads (a bad field is named before cdk spends a minute bundling),
 * then runs `cdk deploy|diff --all -c stage=<name> …` (or only the stacks named, `InjuryClaims-<stage>-…`)
 * with the settings `npm run synth` uses
 * (CDK_DISABLE_VERSION_CHECK=1; cdk.json turns notices and telemetry off). `--print` prints the command
 * instead of running it. docs/deploy.md.
 */
import { spawnSync } from 'node:child_process';
import { stageConfig } from '../lib/config/stage.ts';

const USAGE = 'usage: npm run deploy|diff -- --stage <name> [--print] [cdk options, e.g. -c piiDataKeyCiphertext=…]';

const [command, ...rest] = process.argv.slice(2);
if (command !== 'deploy' && command !== 'diff') {
  console.error(USAGE);
  process.exit(2);
}

let stage: string | undefined;
let print = false;
const passThrough: string[] = [];
for (let i = 0; i < rest.length; i++) {
  const arg = rest[i] as string;
  if (arg === '--stage') stage = rest[++i];
  else if (arg.startsWith('--stage=')) stage = arg.slice('--stage='.length);
  else if (arg === '--print') print = true;
  else passThrough.push(arg);
}
if (!stage) {
  console.error(`--stage is required (a file under config/stages/)\n${USAGE}`);
  process.exit(2);
}

try {
  const config = stageConfig(stage);
  console.error(`config/stages/${config.name}.json: valid`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

// Stacks named (e.g. the stateful stack alone on a first deploy, docs/deploy.md) replace --all.
const namesStacks = passThrough.some((arg) => arg.startsWith('InjuryClaims-'));
const args = [command, ...(namesStacks ? [] : ['--all']), '-c', `stage=${stage}`, ...passThrough];
if (print) {
  console.log(['cdk', ...args].join(' '));
  process.exit(0);
}
const result = spawnSync('cdk', args, { stdio: 'inherit', env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' } });
if (result.error) console.error(result.error.message);
process.exit(result.status ?? 1);
