/**
 * The operations view of one stage (part of the stateless stack): the CloudWatch dashboard
 * `injury-claims-<stage>` and the alarms that are not owned by one path (the workflows and the document
 * events alarm their own functions and executions, with the same `alarmsTo` shape and topic).
 *
 * Alarms, each to the stage's alarm topic (docs/operations.md has the runbook of each):
 * - `ApiServerErrors`: any 5xx of the HTTP API's stage in 5 minutes;
 * - `AuthorizerErrors`: any failed invocation of the Lambda authorizer in 5 minutes;
 * - `<Table>TableThrottled`: any throttled read or write of a table or one of its indexes in 5 minutes;
 * - `<Queue>Messages`: any message in a dead-letter queue (`deadLetterQueues`).
 *
 * Adding a queue is one line: a dead-letter queue in `deadLetterQueues` (or `addDeadLetterQueue`) gets its
 * alarm and its age/depth on the dashboard; a work queue in `queues` gets its age/depth on the dashboard
 * (its own DLQ is the one alarmed).
 *
 * Dashboard, top to bottom: alarm states; the API (requests, 4xx, 5xx, latency; then 4xx/5xx and latency
 * per route, one row per function group, built from manifest/routes.ts so a new route appears by itself);
 * the authorizer; Lambda throttles and errors of every function; DynamoDB throttle events per table;
 * state-machine executions failed/timed out/aborted; queue ages and depths; the business metrics of
 * manifest/metrics.ts, one graph each (a line per value of its dimension).
 */
import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IMetric,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BUSINESS_METRICS, type BusinessMetricSpec, METRICS_NAMESPACE, METRICS_SERVICE } from '../../manifest/metrics.ts';
import { type Route, routeKey } from '../../manifest/routes.ts';
import type { TableDefinition } from '../../manifest/tables.ts';
import type { StageConfig } from '../config/stage.ts';
import { alarmsTo } from './alarms.ts';

/** The period of every alarm and of the operational graphs. */
const MONITORING_PERIOD = Duration.minutes(5);
/** The period of the business-metric graphs (counts per hour). */
const BUSINESS_PERIOD = Duration.hours(1);
/** Width of the dashboard grid (CloudWatch's). */
const FULL = 24;
const HALF = 12;
const GRAPH_HEIGHT = 6;

export interface MonitoredQueue {
  /** PascalCase; the alarm is `<name>Messages` (dead-letter queues). */
  readonly name: string;
  readonly queue: IQueue;
  /** What a message there is and what to do first: the alarm's description (docs/operations.md has the runbook). */
  readonly description: string;
}

interface MonitoredTable {
  readonly table: ITable;
  readonly definition: TableDefinition;
}

export interface MonitoringProps {
  readonly stage: StageConfig;
  readonly alarmTopic: ITopic;
  readonly api: IHttpApi;
  /** The API stage the routes are served on (`$default`). */
  readonly apiStageName: string;
  readonly routes: readonly Route[];
  readonly authorizer: IFunction;
  /** Every function of the stage by manifest name (Lambda throttles and errors). */
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly tables: Readonly<Record<string, MonitoredTable>>;
  readonly stateMachines: Readonly<Record<string, IStateMachine>>;
  /** Alarmed on any visible message, and on the dashboard. */
  readonly deadLetterQueues: readonly MonitoredQueue[];
  /** Work queues: on the dashboard (age of the oldest message, depth). */
  readonly queues?: readonly MonitoredQueue[];
  /** Alarms created elsewhere (workflows, document events), shown in the dashboard's alarm widget. */
  readonly otherAlarms?: readonly IAlarm[];
}

export class Monitoring extends Construct {
  public readonly dashboard: Dashboard;
  /** The alarms this construct created (each to the alarm topic). */
  public readonly alarms: readonly Alarm[];
  private readonly alarm: ReturnType<typeof alarmsTo>['alarm'];
  /** What the alarm widget lists (read at synth: alarms added later are in it). */
  private readonly shownAlarms: IAlarm[];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { alarm, alarms } = alarmsTo(this, props.alarmTopic);
    this.alarm = alarm;
    this.alarms = alarms;
    this.shownAlarms = [];
    const period = MONITORING_PERIOD;

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `injury-claims-${props.stage.name}`,
      defaultInterval: Duration.days(1),
    });

    // ---- API ------------------------------------------------------------------------------------
    const apiMetric = (metricName: string, statistic: string, dimensions: Record<string, string> = {}) =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: props.api.apiId, Stage: props.apiStageName, ...dimensions },
        statistic,
        period,
      });
    alarm(
      'ApiServerErrors',
      apiMetric('5xx', Stats.SUM),
      'HTTP API: a request answered 5xx (an unhandled error, the authorizer failing, a function timing out or throttled). Runbook: docs/operations.md#apiservererrors',
    );

    // ---- Authorizer -----------------------------------------------------------------------------
    alarm(
      'AuthorizerErrors',
      props.authorizer.metricErrors({ period }),
      'The API Lambda authorizer failed (every authenticated request is answered 500 meanwhile). Runbook: docs/operations.md#authorizererrors',
    );

    // ---- DynamoDB -------------------------------------------------------------------------------
    // Metric ids unique across tables (the dashboard draws every table's expression in one graph).
    const throttleMetrics = (tableId: string, entry: MonitoredTable): Record<string, IMetric> => {
      const metrics: Record<string, IMetric> = {
        [`${tableId}_r`]: entry.table.metric('ReadThrottleEvents', { statistic: Stats.SUM, period }),
        [`${tableId}_w`]: entry.table.metric('WriteThrottleEvents', { statistic: Stats.SUM, period }),
      };
      (entry.definition.globalSecondaryIndexes ?? []).forEach((index, i) => {
        for (const [key, metricName] of [
          [`${tableId}_r${i}`, 'ReadThrottleEvents'],
          [`${tableId}_w${i}`, 'WriteThrottleEvents'],
        ] as const) {
          metrics[key] = new Metric({
            namespace: 'AWS/DynamoDB',
            metricName,
            dimensionsMap: { TableName: entry.table.tableName, GlobalSecondaryIndexName: index.indexName },
            statistic: Stats.SUM,
            period,
          });
        }
      });
      return metrics;
    };
    const throttled = Object.entries(props.tables).map(([tableId, entry]) => {
      const metrics = throttleMetrics(tableId, entry);
      const expression = new MathExpression({
        expression: `SUM([${Object.keys(metrics).join(', ')}])`,
        usingMetrics: metrics,
        label: `${tableId} throttle events`,
        period,
      });
      alarm(
        `${pascal(tableId)}TableThrottled`,
        expression,
        `DynamoDB table ${tableId}: reads or writes throttled (table or index). Runbook: docs/operations.md#tablethrottled`,
      );
      return expression;
    });

    // ---- Dashboard ------------------------------------------------------------------------------
    const widgets: IWidget[][] = [];
    widgets.push([
      new TextWidget({
        markdown: `# Injury claims — ${props.stage.name}\nAlarms go to the stage's alarm topic (output \`AlarmTopicArn\`). What each alarm means and what to do: \`docs/operations.md\` in the repository. Business metrics: namespace \`${METRICS_NAMESPACE}\`, dimensions \`service=${METRICS_SERVICE}\`, \`stage=${props.stage.name}\`.`,
        width: FULL,
        height: 2,
      }),
    ]);
    widgets.push([new AlarmStatusWidget({ title: 'Alarms', alarms: this.shownAlarms, width: FULL, height: 4 })]);

    widgets.push([
      graph('API requests and errors (all routes)', [apiMetric('Count', Stats.SUM)], HALF, [apiMetric('4xx', Stats.SUM), apiMetric('5xx', Stats.SUM)]),
      graph('API latency (all routes)', [apiMetric('Latency', Stats.p(50)), apiMetric('Latency', Stats.p(95)), apiMetric('Latency', Stats.p(99))], HALF),
    ]);
    const groups = new Map<string, Route[]>();
    for (const route of props.routes) groups.set(route.fn, [...(groups.get(route.fn) ?? []), route]);
    for (const [group, routes] of groups) {
      const perRoute = (metricName: string, statistic: string, label: string) =>
        routes.map((route) => {
          const metric = apiMetric(metricName, statistic, { Method: route.method, Resource: route.path });
          return metric.with({ label: `${label} ${routeKey(route)}` });
        });
      widgets.push([
        graph(`${group}: 4xx and 5xx per route`, [...perRoute('4xx', Stats.SUM, '4xx'), ...perRoute('5xx', Stats.SUM, '5xx')], HALF),
        graph(`${group}: latency p95 per route`, perRoute('Latency', Stats.p(95), 'p95'), HALF),
      ]);
    }

    widgets.push([
      graph('Authorizer: invocations, errors, throttles', [props.authorizer.metricInvocations({ period })], HALF, [
        props.authorizer.metricErrors({ period }),
        props.authorizer.metricThrottles({ period }),
      ]),
      graph('Authorizer: duration', [props.authorizer.metricDuration({ period, statistic: Stats.p(95) })], HALF),
    ]);

    const functions = Object.entries(props.functions);
    widgets.push([
      graph(
        'Lambda throttles per function',
        functions.map(([name, fn]) => fn.metricThrottles({ period, label: name })),
        HALF,
      ),
      graph(
        'Lambda errors per function',
        functions.map(([name, fn]) => fn.metricErrors({ period, label: name })),
        HALF,
      ),
    ]);

    const machines = Object.entries(props.stateMachines);
    widgets.push([
      graph('DynamoDB throttle events per table (reads + writes, indexes included)', throttled, HALF),
      graph(
        'State machines: executions failed, timed out, aborted',
        machines.flatMap(([name, machine]) => [
          machine.metricFailed({ period, label: `${name} failed` }),
          machine.metricTimedOut({ period, label: `${name} timed out` }),
          machine.metricAborted({ period, label: `${name} aborted` }),
        ]),
        HALF,
      ),
    ]);

    widgets.push(queueWidgets(props.deadLetterQueues, 'Dead-letter queues'));
    if (props.queues?.length) widgets.push(queueWidgets(props.queues, 'Queues'));

    widgets.push([
      new TextWidget({
        markdown: `## Business metrics (${METRICS_NAMESPACE}, sum per hour)\nEmitted by the use cases through Powertools Metrics (\`functions/_shared/metrics.ts\`); catalogue: \`manifest/metrics.ts\`.`,
        width: FULL,
        height: 2,
      }),
    ]);
    const business = Object.entries(BUSINESS_METRICS).map(([name, spec]) => graph(name, businessMetrics(name, spec, props.stage.name), HALF / 2 + 2));
    widgets.push(business);

    for (const row of widgets) this.dashboard.addWidgets(...row);

    for (const queue of props.deadLetterQueues) this.alarmDeadLetters(queue);
    this.shownAlarms.push(...alarms, ...(props.otherAlarms ?? []));
  }

  /**
   * A dead-letter queue: alarmed on any visible message (`<name>Messages`) and on the dashboard (a row of
   * its own at the end). The one line a new path's DLQ needs, e.g. the platform webhooks':
   * `monitoring.addDeadLetterQueue({ name: 'WebhookDlq', queue, description })`.
   */
  public addDeadLetterQueue(queue: MonitoredQueue): Alarm {
    this.dashboard.addWidgets(...queueWidgets([queue], queue.name));
    const created = this.alarmDeadLetters(queue);
    this.shownAlarms.push(created);
    return created;
  }

  private alarmDeadLetters(queue: MonitoredQueue): Alarm {
    return this.alarm(
      `${queue.name}Messages`,
      queue.queue.metricApproximateNumberOfMessagesVisible({ period: MONITORING_PERIOD }),
      `${queue.description} Runbook: docs/operations.md#dead-letters`,
    );
  }
}

/** Age of the oldest message and depth of each queue: one row. */
const queueWidgets = (queues: readonly MonitoredQueue[], kind: string): IWidget[] => [
  graph(
    `${kind}: age of the oldest message (seconds)`,
    queues.map((q) => q.queue.metricApproximateAgeOfOldestMessage({ period: MONITORING_PERIOD, label: q.name })),
    HALF,
  ),
  graph(
    `${kind}: messages visible`,
    queues.map((q) => q.queue.metricApproximateNumberOfMessagesVisible({ period: MONITORING_PERIOD, label: q.name })),
    HALF,
  ),
];

const graph = (title: string, left: IMetric[], width: number, right: IMetric[] = []): GraphWidget =>
  new GraphWidget({ title, left, ...(right.length ? { right } : {}), width, height: GRAPH_HEIGHT });

/** One metric per value of the business metric's dimension (one metric without one). */
const businessMetrics = (name: string, spec: BusinessMetricSpec, stage: string): IMetric[] => {
  const base = { namespace: METRICS_NAMESPACE, metricName: name, statistic: Stats.SUM, period: BUSINESS_PERIOD };
  const dimensions = { service: METRICS_SERVICE, stage };
  if (!spec.dimension) return [new Metric({ ...base, dimensionsMap: dimensions })];
  const { name: dimension, values } = spec.dimension;
  return values.map((value) => new Metric({ ...base, dimensionsMap: { ...dimensions, [dimension]: value }, label: `${dimension}=${value}` }));
};

const pascal = (id: string): string => id.replace(/(^|[-_])(\w)/g, (_m, _sep, c: string) => c.toUpperCase());
