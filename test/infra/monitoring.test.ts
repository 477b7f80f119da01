/**
 * The operations view (lib/constructs/monitoring.ts): the dashboard's widgets — API 4xx/5xx and latency per
 * route, the authorizer, Lambda throttles, DynamoDB throttles, state-machine failures, queue ages, the
 * business metrics of manifest/metrics.ts — and every alarm of the stack: its metric, threshold and its
 * one action (the stage's alarm topic), and a runbook in docs/operations.md for each.
 */
import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromRepoRoot } from '../../lib/config/paths.ts';
import { ALL_FUNCTIONS } from '../../manifest/functions.ts';
import { BUSINESS_METRICS, METRICS_NAMESPACE, METRICS_SERVICE } from '../../manifest/metrics.ts';
import { ROUTES, routeKey } from '../../manifest/routes.ts';
import { TABLES } from '../../manifest/tables.ts';
import { type BuiltApp, buildTestApp } from './app-fixture.ts';

type Resource = { Type: string; Properties: Record<string, any> };
type Widget = { type: string; properties: { title?: string; metrics?: unknown[][]; alarms?: string[]; markdown?: string } };

/** A token of the dashboard body (a Ref or GetAtt) as a string that can stand inside the body's JSON strings. */
const tokenText = (part: unknown): string => `<${JSON.stringify(part).replace(/"/g, "'")}>`;

/** The dashboard body: CloudFormation's Fn::Join of JSON text and tokens, with each token written as `tokenText`. */
const dashboardWidgets = (body: unknown): Widget[] => {
  const join = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = join[1].map((part) => (typeof part === 'string' ? part : tokenText(part))).join(join[0]);
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
};

/** A dashboard metric row `[namespace, name, dim1, value1, …, {options}]` as namespace, name and dimensions. */
const parseRow = (row: unknown[]) => {
  const parts = row.filter((x) => typeof x === 'string') as string[];
  const [namespace, metricName, ...rest] = parts;
  const dimensions: Record<string, string> = {};
  for (let i = 0; i + 1 < rest.length; i += 2) dimensions[rest[i]!] = rest[i + 1]!;
  return { namespace, metricName, dimensions };
};

describe('monitoring (prod)', () => {
  let built: BuiltApp;
  let resources: Record<string, Resource>;
  let widgets: Widget[];
  let metrics: { widget: string; namespace?: string; metricName?: string; dimensions: Record<string, string> }[];
  let alarms: [string, Resource][];
  const idOf = (construct: { node: { defaultChild?: unknown } }): string => built.stateless.getLogicalId(construct.node.defaultChild as never);
  const ref = (construct: { node: { defaultChild?: unknown } }) => tokenText({ Ref: idOf(construct) });
  const topicRef = () => ({ Ref: idOf(built.stateless.workflows.alarmTopic) });
  const metricsIn = (title: RegExp) => metrics.filter((m) => title.test(m.widget));

  beforeAll(() => {
    built = buildTestApp('prod');
    resources = Template.fromStack(built.stateless).toJSON().Resources;
    const dashboards = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]!.Properties.DashboardName).toBe('injury-claims-prod');
    widgets = dashboardWidgets(dashboards[0]!.Properties.DashboardBody);
    metrics = widgets.flatMap((w) => (w.properties.metrics ?? []).map((row) => ({ widget: w.properties.title ?? '', ...parseRow(row) })));
    alarms = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
  });
  afterAll(() => built?.dispose());

  describe('dashboard', () => {
    it('shows 4xx, 5xx and p95 latency of every route of manifest/routes.ts, per route (Method, Resource on the $default stage)', () => {
      const api = ref(built.stateless.api);
      for (const route of ROUTES) {
        const of = (metricName: string) =>
          metrics.filter(
            (m) =>
              m.namespace === 'AWS/ApiGateway' &&
              m.metricName === metricName &&
              m.dimensions.ApiId === api &&
              m.dimensions.Stage === '$default' &&
              m.dimensions.Method === route.method &&
              m.dimensions.Resource === route.path,
          );
        for (const name of ['4xx', '5xx', 'Latency']) expect(of(name), `${name} of ${routeKey(route)}`).toHaveLength(1);
        expect(of('4xx')[0]!.widget).toBe(`${route.fn}: 4xx and 5xx per route`);
        expect(of('Latency')[0]!.widget).toBe(`${route.fn}: latency p95 per route`);
      }
      // and the whole stage: requests, 4xx, 5xx, latency percentiles
      const stage = metricsIn(/\(all routes\)/).filter((m) => m.dimensions.ApiId === api && m.dimensions.Method === undefined);
      expect(new Set(stage.map((m) => m.metricName))).toEqual(new Set(['Count', '4xx', '5xx', 'Latency']));
    });

    it("shows the authorizer's invocations, errors, throttles and duration", () => {
      const authorizer = ref(built.stateless.authorizerFunction.function);
      const shown = metricsIn(/^Authorizer/).filter((m) => m.namespace === 'AWS/Lambda' && m.dimensions.FunctionName === authorizer);
      expect(new Set(shown.map((m) => m.metricName))).toEqual(new Set(['Invocations', 'Errors', 'Throttles', 'Duration']));
    });

    it('shows the throttles and errors of every function of the manifest', () => {
      for (const name of Object.keys(ALL_FUNCTIONS) as (keyof typeof ALL_FUNCTIONS)[]) {
        const fn = ref(built.stateless.functionNamed(name).function);
        expect(
          metricsIn(/^Lambda throttles/).filter((m) => m.metricName === 'Throttles' && m.dimensions.FunctionName === fn),
          name,
        ).toHaveLength(1);
        expect(
          metricsIn(/^Lambda errors/).filter((m) => m.metricName === 'Errors' && m.dimensions.FunctionName === fn),
          name,
        ).toHaveLength(1);
      }
    });

    it('shows the read and write throttle events of every table and every index', () => {
      const shown = metricsIn(/^DynamoDB throttle events/).filter((m) => m.namespace === 'AWS/DynamoDB');
      for (const table of TABLES) {
        const name = `injury-claims-prod-${table.id}`;
        for (const metricName of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
          expect(shown.filter((m) => m.metricName === metricName && m.dimensions.TableName === name && !m.dimensions.GlobalSecondaryIndexName)).toHaveLength(1);
          for (const index of (table as { globalSecondaryIndexes?: readonly { indexName: string }[] }).globalSecondaryIndexes ?? []) {
            expect(
              shown.filter((m) => m.metricName === metricName && m.dimensions.TableName === name && m.dimensions.GlobalSecondaryIndexName === index.indexName),
              `${table.id}/${index.indexName}`,
            ).toHaveLength(1);
          }
        }
      }
    });

    it('shows failed, timed-out and aborted executions of both state machines', () => {
      for (const machine of Object.values(built.stateless.workflows.stateMachines)) {
        const arn = ref(machine.stateMachine);
        const shown = metricsIn(/^State machines/).filter((m) => m.namespace === 'AWS/States' && m.dimensions.StateMachineArn === arn);
        expect(new Set(shown.map((m) => m.metricName))).toEqual(new Set(['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']));
      }
    });

    it('shows the age of the oldest message and the depth of every dead-letter queue', () => {
      for (const queue of [built.stateless.workflows.scheduleDlq, built.stateless.documentEvents.dlq]) {
        const name = tokenText({ 'Fn::GetAtt': [idOf(queue), 'QueueName'] });
        const shown = metricsIn(/^Dead-letter queues/).filter((m) => m.namespace === 'AWS/SQS' && m.dimensions.QueueName === name);
        expect(new Set(shown.map((m) => m.metricName))).toEqual(new Set(['ApproximateAgeOfOldestMessage', 'ApproximateNumberOfMessagesVisible']));
      }
    });

    it('shows every business metric of the catalogue, one line per value of its dimension, with the service and stage dimensions', () => {
      for (const [name, spec] of Object.entries(BUSINESS_METRICS)) {
        const shown = metrics.filter((m) => m.widget === name && m.namespace === METRICS_NAMESPACE && m.metricName === name);
        for (const m of shown) expect(m.dimensions).toMatchObject({ service: METRICS_SERVICE, stage: 'prod' });
        const dimension = (spec as { dimension?: { name: string; values: readonly string[] } }).dimension;
        if (!dimension) {
          expect(shown, name).toHaveLength(1);
          expect(Object.keys(shown[0]!.dimensions).sort()).toEqual(['service', 'stage']);
        } else {
          expect(shown.map((m) => m.dimensions[dimension.name]).sort(), name).toEqual([...dimension.values].sort());
        }
      }
      expect(metrics.some((m) => m.metricName === 'WebhookDeliveryFailed')).toBe(true);
    });

    it('lists every alarm of the stack in its alarm widget, and says where the runbooks are', () => {
      const listed = widgets.filter((w) => w.type === 'alarm').flatMap((w) => w.properties.alarms ?? []);
      expect(listed.sort()).toEqual(alarms.map(([id]) => tokenText({ 'Fn::GetAtt': [id, 'Arn'] })).sort());
      expect(widgets.some((w) => w.properties.markdown?.includes('docs/operations.md'))).toBe(true);
    });
  });

  describe('alarms', () => {
    it('every alarm of the stack fires on one datapoint ≥ 1, treats missing data as fine and notifies the alarm topic only', () => {
      expect(alarms.length).toBeGreaterThanOrEqual(17);
      for (const [id, alarm] of alarms) {
        expect(alarm.Properties, id).toMatchObject({
          Threshold: 1,
          EvaluationPeriods: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: [topicRef()],
        });
        expect(alarm.Properties.OKActions, id).toBeUndefined();
      }
    });

    it('alarms on any 5xx of the API stage in 5 minutes', () => {
      const alarm = resources[idOf(built.stateless.monitoring.alarms.find((a) => a.node.id === 'ApiServerErrors')!)]!;
      expect(alarm.Properties).toMatchObject({
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
        Statistic: 'Sum',
        Period: 300,
        Dimensions: [
          { Name: 'ApiId', Value: { Ref: idOf(built.stateless.api) } },
          { Name: 'Stage', Value: '$default' },
        ],
      });
    });

    it("alarms on the authorizer's errors in 5 minutes", () => {
      const alarm = resources[idOf(built.stateless.monitoring.alarms.find((a) => a.node.id === 'AuthorizerErrors')!)]!;
      expect(alarm.Properties).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Period: 300,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: idOf(built.stateless.authorizerFunction.function) } }],
      });
    });

    it.each(TABLES.map((t) => t.id))('alarms on throttled reads or writes of the %s table and its indexes (one SUM expression)', (tableId) => {
      const table = TABLES.find((t) => t.id === tableId)!;
      const indexes = ((table as { globalSecondaryIndexes?: readonly { indexName: string }[] }).globalSecondaryIndexes ?? []).map((i) => i.indexName);
      const construct = built.stateless.monitoring.alarms.find((a) => a.node.id === `${tableId[0]!.toUpperCase()}${tableId.slice(1)}TableThrottled`)!;
      const alarm = resources[idOf(construct)]!;
      const queries = alarm.Properties.Metrics as { Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: any }[];
      const expression = queries.find((q) => q.Expression)!;
      expect(expression.Expression).toMatch(/^SUM\(\[.*\]\)$/);
      const stats = queries.filter((q) => q.MetricStat);
      const dimension = (q: (typeof stats)[number], name: string) =>
        (q.MetricStat.Metric.Dimensions as { Name: string; Value: string }[]).find((d) => d.Name === name)?.Value;
      expect(stats).toHaveLength(2 + 2 * indexes.length);
      for (const q of stats) {
        expect(expression.Expression).toContain(q.Id);
        expect(q.ReturnData).toBe(false);
        expect(q.MetricStat).toMatchObject({ Metric: { Namespace: 'AWS/DynamoDB' }, Stat: 'Sum', Period: 300 });
        expect(['ReadThrottleEvents', 'WriteThrottleEvents']).toContain(q.MetricStat.Metric.MetricName);
        expect(dimension(q, 'TableName')).toBe(`injury-claims-prod-${tableId}`);
      }
      expect(
        stats
          .map((q) => dimension(q, 'GlobalSecondaryIndexName'))
          .filter(Boolean)
          .sort(),
      ).toEqual([...indexes, ...indexes].sort());
    });

    it('alarms on any visible message of each dead-letter queue', () => {
      for (const [name, queue] of [
        ['ScheduleDlqMessages', built.stateless.workflows.scheduleDlq],
        ['ObjectCreatedDlqMessages', built.stateless.documentEvents.dlq],
      ] as const) {
        const alarm = resources[idOf(built.stateless.monitoring.alarms.find((a) => a.node.id === name)!)]!;
        expect(alarm.Properties, name).toMatchObject({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Statistic: 'Maximum',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(queue), 'QueueName'] } }],
        });
      }
    });

    it('has a runbook in docs/operations.md for every alarm of the stack', () => {
      const doc = readFileSync(fromRepoRoot('docs/operations.md'), 'utf8');
      const names = built.stateless.node
        .findAll()
        .filter((c): c is Alarm => c instanceof Alarm)
        .map((a) => a.node.id);
      expect(names.length).toBe(alarms.length);
      const missing = names.filter((name) => !doc.includes(`\`${name}\``));
      expect(missing, 'alarms without a runbook entry').toEqual([]);
    });

    it('docs/operations.md lists every business metric of the catalogue', () => {
      const doc = readFileSync(fromRepoRoot('docs/operations.md'), 'utf8');
      expect(Object.keys(BUSINESS_METRICS).filter((name) => !doc.includes(`| \`${name}\` |`))).toEqual([]);
    });
  });
});

describe('a new dead-letter queue is one line', () => {
  it('addDeadLetterQueue alarms it to the topic and puts its age on the dashboard', () => {
    const built = buildTestApp('dev');
    try {
      const queue = new Queue(built.stateless, 'ExampleDlq', { enforceSSL: true });
      built.stateless.monitoring.addDeadLetterQueue({ name: 'ExampleDlq', queue, description: 'Example dead letters.' });
      const resources = Template.fromStack(built.stateless).toJSON().Resources as Record<string, Resource>;
      const queueId = built.stateless.getLogicalId(queue.node.defaultChild as never);
      const topicId = built.stateless.getLogicalId(built.stateless.workflows.alarmTopic.node.defaultChild as never);
      const [alarmId, alarm] = Object.entries(resources).find(
        ([, r]) => r.Type === 'AWS::CloudWatch::Alarm' && JSON.stringify(r.Properties.Dimensions ?? []).includes(queueId),
      )!;
      expect(alarm.Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1, AlarmActions: [{ Ref: topicId }] });
      const dashboard = Object.values(resources).find((r) => r.Type === 'AWS::CloudWatch::Dashboard')!;
      const widgets = dashboardWidgets(dashboard.Properties.DashboardBody);
      const age = widgets.find((w) => w.properties.title === 'ExampleDlq: age of the oldest message (seconds)')!;
      expect(JSON.stringify(age.properties.metrics)).toContain(queueId);
      const listed = widgets.filter((w) => w.type === 'alarm').flatMap((w) => w.properties.alarms ?? []);
      expect(listed).toContain(tokenText({ 'Fn::GetAtt': [alarmId, 'Arn'] }));
    } finally {
      built.dispose();
    }
  });
});
