import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKETS } from '../../manifest/buckets.ts';
import { TABLES, type TableDefinition } from '../../manifest/tables.ts';
import { tableName } from '../../lib/stacks/stateful-stack.ts';
import { buildStatefulStack } from './app-fixture.ts';

const definitions = TABLES as readonly TableDefinition[];

const tablesOf = (template: Template) => Object.values(template.findResources('AWS::DynamoDB::Table'));
const tableNamed = (template: Template, name: string) => {
  const found = tablesOf(template).find((table) => table.Properties.TableName === name);
  if (!found) throw new Error(`no table ${name}`);
  return found;
};

describe.each(['dev', 'prod'] as const)('stateful stack (%s)', (stage) => {
  let built: ReturnType<typeof buildStatefulStack>;
  let template: Template;

  beforeAll(() => {
    built = buildStatefulStack(stage);
    template = Template.fromStack(built.stack);
  });
  afterAll(() => built?.dispose());

  it('creates exactly the tables of lib/config/tables.ts, with their keys', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', definitions.length);
    for (const def of definitions) {
      const table = tableNamed(template, tableName(stage, def.id));
      const keys = [def.partitionKey, ...(def.sortKey ? [def.sortKey] : [])];
      expect(table.Properties.KeySchema).toEqual(keys.map((key, i) => ({ AttributeName: key.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })));
    }
  });

  it('bills every table on demand with point-in-time recovery on', () => {
    for (const table of tablesOf(template)) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
  });

  it('encrypts every table with the customer-managed data key, whose rotation is on', () => {
    const keys = template.findResources('AWS::KMS::Key');
    // The data key, the PII key (docs/security.md), one key per bucket, and the audit's MAC and signing keys.
    expect(Object.keys(keys)).toHaveLength(2 + Object.keys(BUCKETS).length + 2);
    const dataKeyId = built.stack.getLogicalId(built.stack.dataKey.node.defaultChild as never);
    expect(keys[dataKeyId]!.Properties.EnableKeyRotation).toBe(true);
    for (const table of tablesOf(template)) {
      expect(table.Properties.SSESpecification).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [dataKeyId, 'Arn'] },
      });
    }
  });

  it('sets the TTL attribute exactly where tables.ts defines one', () => {
    for (const def of definitions) {
      const table = tableNamed(template, tableName(stage, def.id));
      if (def.timeToLiveAttribute) {
        expect(table.Properties.TimeToLiveSpecification).toEqual({
          AttributeName: def.timeToLiveAttribute,
          Enabled: true,
        });
      } else {
        expect(table.Properties.TimeToLiveSpecification).toBeUndefined();
      }
    }
    expect(definitions.filter((def) => def.timeToLiveAttribute).map((def) => def.id)).toEqual(expect.arrayContaining(['orders', 'idempotency']));
  });

  it('creates every GSI of tables.ts with its keys and projection (orders: the sparse unprojected index, keys only)', () => {
    for (const def of definitions) {
      const table = tableNamed(template, tableName(stage, def.id));
      const expected = (def.globalSecondaryIndexes ?? []).map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' }] : []),
        ],
        Projection:
          index.projection === 'ALL'
            ? { ProjectionType: 'ALL' }
            : index.projection.length === 0
              ? { ProjectionType: 'KEYS_ONLY' }
              : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] },
      }));
      expect(table.Properties.GlobalSecondaryIndexes ?? []).toEqual(expected);
    }
    expect(tableNamed(template, tableName(stage, 'orders')).Properties.GlobalSecondaryIndexes).toHaveLength(1);
  });

  if (stage === 'prod') {
    it('protects tables and keys from deletion in prod (deletion protection, Retain)', () => {
      for (const table of tablesOf(template)) {
        expect(table.Properties.DeletionProtectionEnabled).toBe(true);
        expect(table.DeletionPolicy).toBe('Retain');
        expect(table.UpdateReplacePolicy).toBe('Retain');
      }
      template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });

    it('matches the snapshot of the prod data layer', () => {
      expect(template.toJSON()).toMatchSnapshot();
    });
  } else {
    it('lets dev tables be torn down (no deletion protection, Delete)', () => {
      for (const table of tablesOf(template)) {
        expect(table.Properties.DeletionProtectionEnabled).toBe(false);
        expect(table.DeletionPolicy).toBe('Delete');
      }
      template.hasResourceProperties('AWS::KMS::Key', { PendingWindowInDays: 7 });
    });
  }

  it('aliases the data key per stage', () => {
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/injury-claims-${stage}-data` });
    template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: Match.anyValue() });
  });
});
