/**
 * Builds the real app (lib/app.ts) for tests: cdk.json's context (feature flags) so tests synthesise
 * what `cdk synth` does, bundling skipped, and a cloud assembly in a temp dir the caller deletes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp, stackName, type ClaimsApp } from '../../lib/app.ts';
import { StatefulStack } from '../../lib/stacks/stateful-stack.ts';
import { fromRepoRoot } from '../../lib/config/paths.ts';
import { stageConfig, type StageName } from '../../lib/config/stage.ts';

// aws-cdk-lib's built-in CloudFormation validation costs ~3–4 s per synth; the CLI synth keeps it on.
process.env.CDK_VALIDATION ??= 'false';

const cdkJson = JSON.parse(readFileSync(fromRepoRoot('cdk.json'), 'utf8')) as { context: Record<string, unknown> };

/** Context of cdk.json plus "skip esbuild bundling in every stack". */
export const testContext = (): Record<string, unknown> => ({
  ...cdkJson.context,
  'aws:cdk:bundling-stacks': [],
});

export const tempOutdir = (): string => mkdtempSync(join(tmpdir(), 'infra-test-'));

export const removeOutdir = (outdir: string): void => rmSync(outdir, { recursive: true, force: true });

export interface BuiltApp extends ClaimsApp {
  readonly outdir: string;
  readonly dispose: () => void;
}

/**
 * The app of a stage. `consoleAssets`: a built console to deploy; default none (a path that does not exist),
 * so tests do not depend on whether `console/dist` happens to be built on the machine.
 */
export const buildTestApp = (stage: StageName, options: { nag?: boolean; consoleAssets?: string } = {}): BuiltApp => {
  const outdir = tempOutdir();
  try {
    const built = buildApp({
      stage,
      outdir,
      context: testContext(),
      nag: options.nag ?? false,
      consoleAssets: options.consoleAssets ?? join(outdir, 'no-console-build'),
    });
    return { ...built, outdir, dispose: () => removeOutdir(outdir) };
  } catch (error) {
    removeOutdir(outdir); // e.g. a handler entry file that does not exist yet
    throw error;
  }
};

/** The stateful stack alone (as lib/app.ts builds it): its tests do not depend on handler entry files. */
export const buildStatefulStack = (stage: StageName): { stack: StatefulStack; dispose: () => void } => {
  const outdir = tempOutdir();
  const app = new App({ outdir, context: testContext() });
  const stack = new StatefulStack(app, stackName(stage, 'stateful'), { stage: stageConfig(stage) });
  return { stack, dispose: () => removeOutdir(outdir) };
};
