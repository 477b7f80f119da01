/**
 * The local runtime's DynamoDB grants (local/iam.ts): the decision IAM takes on the policy the CDK builds
 * from the manifest, applied to the commands a function sends. The integration suites run every function
 * through it, so a scope narrower than what a function's repositories write fails there.
 */
import { describe, expect, it } from 'vitest';
import { deniedTouch, touchesOf } from '../../local/iam.ts';
import { allows } from '../../manifest/tables.ts';

const env = { REGISTRY_TABLE: 't-registry', CASES_TABLE: 't-cases', IDEMPOTENCY_TABLE: 't-idem' };
const put = (table: string, pk: string) => ({ Put: { TableName: table, Item: { pk, sk: 'X' } } });

describe('allows (manifest/tables.ts): the IAM decision on a manifest grant', () => {
  const scoped = {
    read: 'all',
    write: [
      { actions: ['PutItem'], keyPrefixes: ['PLATFORM#', 'AUDIT#'] },
      { actions: ['DeleteItem'], keyPrefixes: ['CLIENT#'] },
    ],
  } as const;

  it('allows a scope’s actions only on its prefixes, and reads with read: all', () => {
    expect(allows(scoped, 'PutItem', 'PLATFORM#p1')).toBe(true);
    expect(allows(scoped, 'PutItem', 'CLIENT#c1')).toBe(false);
    expect(allows(scoped, 'DeleteItem', 'CLIENT#c1')).toBe(true);
    expect(allows(scoped, 'DeleteItem', 'PLATFORM#p1')).toBe(false);
    expect(allows(scoped, 'UpdateItem', 'PLATFORM#p1')).toBe(false);
    expect(allows(scoped, 'GetItem', 'PARAM#x')).toBe(true);
    expect(allows(scoped, 'ConditionCheckItem', 'PARAM#x')).toBe(true);
    expect(allows(scoped, 'PutItem', undefined)).toBe(false);
  });

  it('read grants only read; read: none reads nothing; no grant allows nothing', () => {
    expect(allows('read', 'GetItem', 'A#')).toBe(true);
    expect(allows('read', 'PutItem', 'A#')).toBe(false);
    expect(allows('readwrite', 'DeleteItem', 'A#')).toBe(true);
    expect(allows({ read: 'none', write: { actions: ['PutItem'], keyPrefixes: ['REPORT#'] } }, 'GetItem', 'REPORT#1')).toBe(false);
    expect(allows({ read: 'none', write: { actions: ['PutItem'], keyPrefixes: ['REPORT#'] } }, 'PutItem', 'REPORT#1')).toBe(true);
    expect(allows(undefined, 'GetItem', 'A#')).toBe(false);
  });
});

describe('the commands a function sends, against its manifest grants (local/iam.ts)', () => {
  it('reads each item of a transaction with its own action and key, document-client or marshalled', () => {
    expect(
      touchesOf(
        'TransactWriteCommand',
        { TransactItems: [put('t-registry', 'AUDIT#a'), { Delete: { TableName: 't-registry', Key: { pk: { S: 'CLIENT#c' }, sk: { S: 'CLIENT' } } } }] },
        env,
      ),
    ).toEqual([
      { action: 'PutItem', tableName: 't-registry', partitionKey: 'AUDIT#a' },
      { action: 'DeleteItem', tableName: 't-registry', partitionKey: 'CLIENT#c' },
    ]);
    expect(touchesOf('UpdateItemCommand', { TableName: 't-cases', Key: { pk: 'REPORT#1' } }, env)).toEqual([
      { action: 'UpdateItem', tableName: 't-cases', partitionKey: 'REPORT#1' },
    ]);
    expect(touchesOf('BatchWriteCommand', { RequestItems: { 't-cases': [{ PutRequest: { Item: { pk: 'CASE#1' } } }] } }, env)).toEqual([
      { action: 'BatchWriteItem', tableName: 't-cases', partitionKey: 'CASE#1' },
    ]);
    expect(touchesOf('TransactGetCommand', { TransactItems: [{ Get: { TableName: 't-cases', Key: { pk: 'CASE#1' } } }] }, env)).toEqual([
      { action: 'GetItem', tableName: 't-cases', partitionKey: 'CASE#1' },
    ]);
    expect(touchesOf('BatchGetCommand', { RequestItems: { 't-registry': { Keys: [{ pk: 'PW#1' }] } } }, env)).toEqual([
      { action: 'BatchGetItem', tableName: 't-registry', partitionKey: 'PW#1' },
    ]);
    expect(touchesOf('QueryCommand', { TableName: 't-cases' }, env)).toEqual([{ action: 'Query', tableName: 't-cases', partitionKey: undefined }]);
  });

  it('refuses the platforms function an audit write it does not make elsewhere: a parameter, a person, a delete of a platform', () => {
    const tx = (...items: unknown[]) => ({ TransactItems: items });
    expect(deniedTouch('platforms', 'TransactWriteCommand', tx(put('t-registry', 'PLATFORM#p'), put('t-registry', 'AUDIT#platform#p')), env)).toBeUndefined();
    expect(deniedTouch('platforms', 'PutCommand', { TableName: 't-registry', Item: { pk: 'PARAM#x' } }, env)?.partitionKey).toBe('PARAM#x');
    expect(deniedTouch('platforms', 'PutCommand', { TableName: 't-registry', Item: { pk: 'PERSON#h' } }, env)?.action).toBe('PutItem');
    expect(deniedTouch('platforms', 'DeleteCommand', { TableName: 't-registry', Key: { pk: 'PLATFORM#p' } }, env)?.action).toBe('DeleteItem');
    expect(deniedTouch('platforms', 'DeleteCommand', { TableName: 't-registry', Key: { pk: 'CLIENT#c' } }, env)).toBeUndefined();
  });

  it('refuses a table the function has no grant for, and a write to a table it only reads', () => {
    // The authorizer reads the registry only.
    expect(deniedTouch('authorizer', 'GetCommand', { TableName: 't-registry', Key: { pk: 'CLIENT#c' } }, env)).toBeUndefined();
    expect(deniedTouch('authorizer', 'PutCommand', { TableName: 't-registry', Item: { pk: 'CLIENT#c' } }, env)?.action).toBe('PutItem');
    expect(deniedTouch('authorizer', 'GetCommand', { TableName: 't-cases', Key: { pk: 'CASE#1' } }, env)?.tableName).toBe('t-cases');
    expect(deniedTouch('public', 'DescribeTableCommand', { TableName: 't-cases' }, env)).toBeDefined();
  });

  it('refuses the cases function a write of declarations, runs or batches in the cases table; lets it put fund movements', () => {
    expect(deniedTouch('cases', 'PutCommand', { TableName: 't-cases', Item: { pk: 'FUND#110000#2026-01' } }, env)).toBeUndefined();
    for (const pk of ['DECL#p#2026-01', 'RUN#r', 'BATCHES#110000', 'BATCH#b']) {
      expect(deniedTouch('cases', 'PutCommand', { TableName: 't-cases', Item: { pk } }, env)?.partitionKey, pk).toBe(pk);
    }
    expect(deniedTouch('cases', 'UpdateCommand', { TableName: 't-cases', Key: { pk: 'REPORT#r' } }, env)).toBeUndefined();
    expect(deniedTouch('cases', 'PutCommand', { TableName: 't-cases', Item: { pk: 'REPORT#r' } }, env)?.action).toBe('PutItem');
  });
});
