/**
 * Stateful resources: everything whose loss loses data. Deployed separately from the stateless stack so
 * that functions, API and (later) state machines can be replaced freely without touching the data.
 *
 * Tables come from manifest/tables.ts, the single source of truth shared with the local runtime and the functions.
 */
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { TABLES, type KeyAttribute, type TableDefinition, type TableId } from '../../manifest/tables.ts';
import type { StageConfig } from '../config/stage.ts';

export type { TableId };

/** A deployed table together with its definition (for its environment variable name). */
export interface DeployedTable {
  readonly definition: TableDefinition;
  /** Physical name, fixed per stage (see `tableName`). */
  readonly tableName: string;
  readonly table: ITable;
}

/**
 * Physical table name. Fixed names let the stateless stack refer to tables by name instead of through
 * CloudFormation exports (no export lock when a table changes), give operators and IAM findings readable
 * ARNs, and make CloudFormation refuse to silently replace a table (a key change needs a migration).
 */
export const tableName = (stage: StageConfig['name'], id: string): string => `injury-claims-${stage}-${id}`;

export interface StatefulStackProps extends StackProps {
  readonly stage: StageConfig;
}

const attribute = (key: KeyAttribute) => ({
  name: key.name,
  type: key.type === 'N' ? AttributeType.NUMBER : AttributeType.STRING,
});

const pascal = (id: string): string => id.replace(/(^|[-_])(\w)/g, (_m, _sep, c: string) => c.toUpperCase());

export class StatefulStack extends Stack {
  /** Customer-managed key encrypting every table (and, later, other data at rest). */
  public readonly dataKey: IKey;
  public readonly tables: Readonly<Record<TableId, DeployedTable>>;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { stage } = props;

    this.dataKey = new Key(this, 'DataKey', {
      description: `Platform injury claims (${stage.name}): encryption of claims data at rest`,
      alias: `alias/injury-claims-${stage.name}-data`,
      enableKeyRotation: true,
      removalPolicy: stage.removalPolicy,
      // Shortest window in dev so a torn-down stage does not keep a key around for a month.
      pendingWindow: stage.removalPolicy === RemovalPolicy.DESTROY ? Duration.days(7) : Duration.days(30),
    });

    const tables = {} as Record<TableId, DeployedTable>;
    for (const definition of TABLES as readonly TableDefinition[]) {
      tables[definition.id as TableId] = {
        definition,
        tableName: tableName(stage.name, definition.id),
        table: this.createTable(definition, stage),
      };
    }
    this.tables = tables;
  }

  private createTable(def: TableDefinition, stage: StageConfig): Table {
    const table = new Table(this, `${pascal(def.id)}Table`, {
      tableName: tableName(stage.name, def.id),
      partitionKey: attribute(def.partitionKey),
      ...(def.sortKey ? { sortKey: attribute(def.sortKey) } : {}),
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: stage.deletionProtection,
      removalPolicy: stage.removalPolicy,
      ...(def.timeToLiveAttribute ? { timeToLiveAttribute: def.timeToLiveAttribute } : {}),
    });
    for (const index of def.globalSecondaryIndexes ?? []) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
        ...(index.projection === 'ALL'
          ? { projectionType: ProjectionType.ALL }
          : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] }),
      });
    }
    return table;
  }
}
