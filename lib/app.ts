/**
 * Builds the whole CDK app for one stage. bin/app.ts (the CLI entry) and the infra tests both call it,
 * so tests exercise exactly what `cdk synth` deploys, with an outdir and bundling skipped when they ask.
 */
import { App, AspectPriority, Aspects, Tags, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONSOLE_DIST, consoleAssetsAt } from './config/console-assets.ts';
import { stageConfig, stageFromContext, type StageConfig, type StageName } from './config/stage.ts';
import { FunctionDefaultsAspect } from './constructs/function.ts';
import { EdgeStack } from './stacks/edge-stack.ts';
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
  /** The WAF web ACL in us-east-1 for the API's CloudFront (only for a pinned account and region outside China). */
  readonly edge?: EdgeStack;
}

export const stackName = (stage: StageName, layer: 'stateful' | 'stateless' | 'edge'): string =>
  `InjuryClaims-${stage}-${layer === 'stateful' ? 'Stateful' : layer === 'edge' ? 'Edge' : 'Stateless'}`;

/** A web ACL for CloudFront lives in us-east-1. */
const EDGE_REGION = 'us-east-1';

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
  // The edge (WAF for the API's CloudFront) needs a region to refer across: a pinned stage outside China
  // (the China partition has no us-east-1; docs/security.md says what protects the API there).
  const region = stage.env?.region;
  const edge =
    region && !region.startsWith('cn-')
      ? new EdgeStack(app, stackName(stage.name, 'edge'), {
          stage,
          env: { ...(stage.env?.account ? { account: stage.env.account } : {}), region: EDGE_REGION },
          crossRegionReferences: true,
          description: `Platform injury claims (${stage.name}): AWS WAF web ACL of the API's CloudFront distribution`,
        })
      : undefined;
  const stateless = new StatelessStack(app, stackName(stage.name, 'stateless'), {
    ...stackProps,
    ...(edge ? { crossRegionReferences: true, apiWebAclArn: edge.webAcl.attrArn } : {}),
    description: `Platform injury claims (${stage.name}): identity, functions, HTTP API and web console hosting`,
    tables: stateful.tables,
    dataKey: stateful.dataKey,
    piiKey: stateful.piiKey,
    buckets: stateful.buckets,
    audit: stateful.audit,
    ...withConsoleAssets(consoleAssetsAt(props.consoleAssets ?? CONSOLE_DIST)),
  });
  stateless.addStackDependency(stateful, 'functions read and write the stateful tables and buckets by name');
  if (edge) stateless.addStackDependency(edge, "the API's CloudFront takes the edge stack's web ACL");

  Tags.of(app).add('application', 'platform-injury-claims');
  Tags.of(app).add('stage', stage.name);

  // Read-only check: runs after every mutating aspect, so it sees the final functions.
  Aspects.of(app).add(new FunctionDefaultsAspect(), { priority: AspectPriority.READONLY });
  if (props.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  return { app, stage, stateful, stateless, ...(edge ? { edge } : {}) };
};
