/**
 * One alarm shape for every path of the stacks: fires on the first datapoint at or over 1 in a period
 * (a failed execution, a dead letter, an errored invocation, a throttled request, a 5xx), missing data is
 * fine, and each alarm notifies the stage's alarm topic.
 * Returns the function that creates them and the list of those created.
 */
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

export const alarmsTo = (scope: Construct, topic: ITopic) => {
  const action = new SnsAction(topic);
  const alarms: Alarm[] = [];
  const alarm = (alarmId: string, metric: IMetric, description: string): Alarm => {
    const created = new Alarm(scope, alarmId, {
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    created.addAlarmAction(action);
    alarms.push(created);
    return created;
  };
  return { alarm, alarms };
};
