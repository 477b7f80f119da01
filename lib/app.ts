/**
 * Builds the whole CDK app for one stage. bin/app.ts (the CLI entry) and the infra tests both call it,
 * so tests exercise exactly what `cdk synth` deploys, with an outdir and bundling skipped when they ask.
 */
import { App, AspectPriority, Aspects, Tags, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONSOLE_DIST, consoleAssetsAt } from './config/console-assets.ts';
import { stageConfig, stageFromContext, type StageConfig, type StageName } from './config/stage.ts';
import { FunctionDefaultsAspect } from './constructs/function.ts';
import { StatefulStack } from './stacks/stateful-stack.ts';
import { StatelessStack } from './stacks/stateless-stack.ts';

export interface BuildAppProps {
  /** Stage name or a full configuration; default: read from context (`-c stage=…`, else dev). */
  readonly stage?: StageName | StageConfig;
  /** Cloud assembly directory (tests: a temp dir they delete). */
  readonly outdir?: string;
  /** Extra context, e.g. `{ 'aws:cdk:bundling-stacks': [] }` to skip esbuild in unit tests. */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Register the cdk-nag AwsSolutions pack (default true). */
  readonly nag?: boolean;
  /**
   * Where the built console is (default `console/dist`). A missing directory synthesizes the console's
   * bucket and distribution without content; a directory without index.html fails synth.
   */
  readonly consoleAssets?: string;
}

export interface ClaimsApp {
  readonly app: App;
  readonly stage: StageConfig;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

export const stackName = (stage: StageName, layer: 'stateful' | 'stateless'): string =>
  `InjuryClaims-${stage}-${layer === 'stateful' ? 'Stateful' : 'Stateless'}`;

const withConsoleAssets = (dir: string | undefined): { consoleAssets?: string } => (dir ? { consoleAssets: dir } : {});

export const buildApp = (props: BuildAppProps = {}): ClaimsApp => {
  const appProps: AppProps = {
    ...(props.outdir ? { outdir: props.outdir } : {}),
    ...(props.context ? { context: { ...props.context } } : {}),
  };
  const app = new App(appProps);
  const stage = props.stage === undefined ? stageFromContext(app.node) : typeof props.stage === 'string' ? stageConfig(props.stage) : props.stage;

  const stackProps = { stage, ...(stage.env ? { env: stage.env } : {}) };
  const stateful = new StatefulStack(app, stackName(stage.name, 'stateful'), {
    ...stackProps,
    description: `Platform injury claims (${stage.name}): tables, documents bucket and keys`,
    terminationProtection: stage.deletionProtection,
  });
  const stateless = new StatelessStack(app, stackName(stage.name, 'stateless'), {
    ...stackProps,
    description: `Platform injury claims (${stage.name}): identity, functions, HTTP API and web console hosting`,
    tables: stateful.tables,
    dataKey: stateful.dataKey,
    piiKey: stateful.piiKey,
    buckets: stateful.buckets,
    audit: stateful.audit,
    ...withConsoleAssets(consoleAssetsAt(props.consoleAssets ?? CONSOLE_DIST)),
  });
  stateless.addStackDependency(stateful, 'functions read and write the stateful tables and buckets by name');

  Tags.of(app).add('application', 'platform-injury-claims');
  Tags.of(app).add('stage', stage.name);

  // Read-only check: runs after every mutating aspect, so it sees the final functions.
  Aspects.of(app).add(new FunctionDefaultsAspect(), { priority: AspectPriority.READONLY });
  if (props.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  return { app, stage, stateful, stateless };
};
