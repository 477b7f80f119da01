import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionName } from '../../manifest/index.ts';
import { stageConfig } from '../../lib/config/stage.ts';
import { TABLES, type TableAccess, type TableDefinition, writes } from '../../manifest/tables.ts';
import { DOMAIN_EVENT_FUNCTIONS, EVENT_FUNCTIONS, WORKFLOW_FUNCTIONS } from '../../manifest/functions.ts';
import { IDENTITY_FUNCTIONS } from '../../manifest/identity.ts';
import { ClaimsFunction, FunctionDefaultsAspect } from '../../lib/constructs/function.ts';
import { tableName } from '../../lib/stacks/stateful-stack.ts';
import { buildTestApp, removeOutdir, tempOutdir, testContext, type BuiltApp } from './app-fixture.ts';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

const GROUPS = Object.keys(FUNCTIONS) as FunctionName[];
const definitions = TABLES as readonly TableDefinition[];
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

describe('functions of the stateless stack (prod)', () => {
  let built: BuiltApp;
  let template: Template;
  let resources: Record<string, Resource>;

  beforeAll(() => {
    built = buildTestApp('prod');
    template = Template.fromStack(built.stateless);
    resources = template.toJSON().Resources;
  });
  afterAll(() => built?.dispose());

  const functionOf = (group: FunctionName): Resource => {
    const id = built.stateless.getLogicalId(built.stateless.functions[group].function.node.defaultChild as never);
    return resources[id]!;
  };
  const policyOf = (group: FunctionName): { Action: string | string[]; Resource: unknown; Effect: string }[] => {
    const roleId = built.stateless.getLogicalId(built.stateless.functions[group].role.node.defaultChild as never);
    const policies = Object.values(resources).filter(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: roleId }]),
    );
    expect(policies).toHaveLength(1);
    return policies[0]!.Properties.PolicyDocument.Statement;
  };

  it('creates one Lambda function per FUNCTIONS group, WORKFLOW_FUNCTIONS, EVENT_FUNCTIONS and DOMAIN_EVENT_FUNCTIONS entry, plus the API authorizer and the user-pool triggers (IDENTITY_FUNCTIONS), and no other', () => {
    template.resourceCountIs(
      'AWS::Lambda::Function',
      GROUPS.length +
        Object.keys(WORKFLOW_FUNCTIONS).length +
        Object.keys(EVENT_FUNCTIONS).length +
        Object.keys(DOMAIN_EVENT_FUNCTIONS).length +
        1 +
        Object.keys(IDENTITY_FUNCTIONS).length,
    );
  });

  it.each(GROUPS)('%s runs nodejs24.x on arm64 with active tracing and the configured memory', (group) => {
    const fn = functionOf(group);
    expect(fn.Properties.Runtime).toBe('nodejs24.x');
    expect(fn.Properties.Architectures).toEqual(['arm64']);
    expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    const configured = FUNCTIONS[group] as { memorySize?: number };
    expect(fn.Properties.MemorySize).toBe(configured.memorySize ?? 512);
    expect(fn.Properties.Timeout).toBeGreaterThan(0);
    expect(fn.Properties.Description).toBe(FUNCTIONS[group].description);
  });

  it.each(GROUPS)('%s logs to its own log group with a retention', (group) => {
    const fn = functionOf(group);
    const ref = fn.Properties.LoggingConfig?.LogGroup?.Ref as string;
    expect(resources[ref]?.Type).toBe('AWS::Logs::LogGroup');
    expect(resources[ref]!.Properties.RetentionInDays).toBe(365);
  });

  it.each(GROUPS)('%s receives exactly the table names it uses, plus the Powertools and stage variables', (group) => {
    const env = functionOf(group).Properties.Environment.Variables as Record<string, string>;
    const used = Object.keys(FUNCTIONS[group].tables);
    for (const def of definitions) {
      if (used.includes(def.id)) expect(env[def.envVar]).toBe(tableName('prod', def.id));
      else expect(env[def.envVar]).toBeUndefined();
    }
    expect(env).toMatchObject({
      POWERTOOLS_SERVICE_NAME: `injury-claims-${group}`,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      STAGE: 'prod',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it.each(GROUPS)('%s may touch only its own tables, writing only where FUNCTIONS says readwrite', (group) => {
    const statements = policyOf(group);
    const dynamo = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    const access = FUNCTIONS[group].tables as Record<string, TableAccess>;
    for (const statement of dynamo) {
      const actions = [statement.Action].flat();
      expect(actions).not.toContain('dynamodb:*');
      const resourcesText = JSON.stringify(statement.Resource);
      expect(statement.Resource).not.toBe('*');
      const named = definitions.filter(
        (def) => resourcesText.includes(`:table/${tableName('prod', def.id)}"`) || resourcesText.includes(`:table/${tableName('prod', def.id)}/index/*"`),
      );
      expect(named.length).toBeGreaterThan(0);
      for (const def of named) {
        expect(access[def.id], `${group} is granted ${def.id}`).toBeDefined();
        if (actions.some((a) => WRITE_ACTIONS.includes(a))) expect(writes(access[def.id]!)).toBe(true);
      }
    }
    const granted = new Set(
      definitions.filter((def) => dynamo.some((s) => JSON.stringify(s.Resource).includes(`:table/${tableName('prod', def.id)}"`))).map((def) => def.id),
    );
    expect([...granted].sort()).toEqual(Object.keys(access).sort());
  });

  it('grants no wildcard resource except the X-Ray statement, and no service-wide actions', () => {
    for (const group of GROUPS) {
      for (const statement of policyOf(group)) {
        const actions = [statement.Action].flat();
        expect(actions.every((a) => !a.endsWith(':*'))).toBe(true);
        if (statement.Resource === '*') expect(actions.sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      }
    }
  });

  it('gives functions roles without AWS managed policies', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('FunctionDefaultsAspect', () => {
  const synthWith = (build: (stack: Stack) => void) => {
    const outdir = tempOutdir();
    const app = new App({ outdir, context: testContext() });
    const stack = new Stack(app, 'Throwaway');
    build(stack);
    Aspects.of(app).add(new FunctionDefaultsAspect());
    return { app, stack, dispose: () => removeOutdir(outdir) };
  };

  it('fails synth for a function built without the house defaults', () => {
    const { app, dispose } = synthWith((stack) => {
      new LambdaFunction(stack, 'Bare', {
        runtime: Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: Code.fromInline('export const handler = async () => ({})'),
      });
    });
    try {
      expect(() => app.synth()).toThrow(/FunctionDefaults.*runtime is nodejs22\.x.*architecture is not arm64.*X-Ray tracing is not Active/s);
    } finally {
      dispose();
    }
  });

  it('accepts a ClaimsFunction', () => {
    const { app, stack, dispose } = synthWith((stack) => {
      new ClaimsFunction(stack, 'Public', {
        entry: FUNCTIONS.public.entry,
        description: 'test',
        serviceName: 'test',
        stage: stageConfig('dev'),
      });
    });
    try {
      expect(() => app.synth()).not.toThrow();
      expect(Annotations.fromStack(stack).findError('*', /FunctionDefaults/)).toHaveLength(0);
    } finally {
      dispose();
    }
  });
});
