/**
 * Issue 17 (trust, round two), with CDK assertions on the synthesised prod app:
 * - least privilege from the manifest: the platform-facing workers function writes only the registry's
 *   person, link and worker items (dynamodb:LeadingKeys), never platforms, client mappings, parameters or
 *   audit records; the reports function only puts reports into the cases table (and reads it for the report lists);
 *   no function writes anywhere in the registry: admin, platforms and declarations write only the item types
 *   their repositories write (the local runtime enforces the same scopes on every DynamoDB call, local/iam.ts,
 *   so the integration suites fail when a repository writes an item type its function's policy lacks), only
 *   the audit writers write AUDIT#/AUDITHEADS, platforms deletes only client mappings; the cases function
 *   writes only cases, report links, assistance requests and late-report credit records;
 * - the PII data key: wrapped under a KMS key of its own whose key policy lets only the personal-data roles
 *   decrypt, with the encryption context; the tables' key only through DynamoDB (kms:ViaService), so no
 *   table grant can decrypt the PII key.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_FUNCTIONS, piiFunctions } from '../../manifest/functions.ts';
import { piiDataKeyContext } from '../../manifest/env.ts';
import { piiRoleName, piiRoleNamePrefix, tableName } from '../../lib/stacks/stateful-stack.ts';
import { type TableAccess, writeScopes } from '../../manifest/tables.ts';
import { buildTestApp, type BuiltApp } from './app-fixture.ts';

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
  readonly Principal?: unknown;
}
type Resources = Record<string, { Type: string; Properties: any }>;

const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const CRYPTO = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncrypt', 'kms:*'];
const actionsOf = (s: Statement) => [s.Action].flat();
const names = (s: Statement, table: string) => {
  const text = JSON.stringify(s.Resource) ?? '';
  return text.includes(`:table/${tableName('prod', table)}"`) || text.includes(`:table/${tableName('prod', table)}/index/*"`);
};
/** IAM's StringLike on one value (`*` and `?` wildcards). */
const like = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(value);

let built: BuiltApp;
let stateless: Resources;
let stateful: Resources;

beforeAll(() => {
  built = buildTestApp('prod');
  stateless = Template.fromStack(built.stateless).toJSON().Resources;
  stateful = Template.fromStack(built.stateful).toJSON().Resources;
});
afterAll(() => built?.dispose());

/** Every function of the stateless stack by manifest name (HTTP groups, workflow, event and domain-event functions, the authorizer). */
const functionsByName = () => {
  const all: Record<string, { role: { node: { defaultChild: unknown } } }> = {
    ...built.stateless.functions,
    ...built.stateless.workflowFunctions,
    ...built.stateless.eventFunctions,
    ...built.stateless.domainEventFunctions,
    authorizer: built.stateless.authorizerFunction,
  };
  return all;
};
const statementsOf = (name: string): Statement[] => {
  const fn = functionsByName()[name];
  expect(fn, name).toBeDefined();
  const roleId = built.stateless.getLogicalId(fn!.role.node.defaultChild as never);
  return Object.values(stateless)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
};

describe('least privilege per function (manifest/functions.ts)', () => {
  it('the workers function writes only persons, links and workers in the registry (PutItem, leading keys), never platforms, clients, parameters or audit records', () => {
    const registry = statementsOf('workers').filter((s) => names(s, 'registry'));
    const writing = registry.filter((s) => actionsOf(s).some((a) => WRITE_ACTIONS.includes(a)));
    expect(writing).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:PutItem',
        Resource: expect.anything(),
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PERSON#*', 'PW#*', 'WORKER#*'] },
          Null: { 'dynamodb:LeadingKeys': 'false' },
        },
      },
    ]);
    const patterns = writing[0]!.Condition!['ForAllValues:StringLike']!['dynamodb:LeadingKeys'] as string[];
    const allowed = (key: string) => patterns.some((p) => like(p, key));
    // The keys functions/_shared/repositories/workers.ts writes…
    for (const key of ['PERSON#3f2a', 'PW#plt_1#rider-9', 'WORKER#wkr_1']) expect(allowed(key), key).toBe(true);
    // …and none of the registry's other item types.
    for (const key of ['AUDIT#platform#plt_1', 'CLIENT#abc', 'APPCLIENT#plt_1', 'PLATFORM#plt_1', 'CREDIT#9111', 'PARAM#x', 'CALENDAR#2026'])
      expect(allowed(key), key).toBe(false);
    // Reads of the registry stay (platforms, persons and links are looked up).
    expect(registry.some((s) => actionsOf(s).includes('dynamodb:GetItem'))).toBe(true);
  });

  it('the reports function writes only reports into the cases table (PutItem of REPORT# items) and otherwise reads it (the report lists)', () => {
    const cases = statementsOf('reports').filter((s) => names(s, 'cases'));
    const writing = cases.filter((s) => actionsOf(s).some((a) => WRITE_ACTIONS.includes(a)));
    expect(writing).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:PutItem',
        Resource: expect.anything(),
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['REPORT#*'] }, Null: { 'dynamodb:LeadingKeys': 'false' } },
      },
    ]);
    const reading = cases.filter((s) => !writing.includes(s));
    expect(reading.flatMap(actionsOf)).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:BatchGetItem']));
    for (const s of reading) expect(actionsOf(s).filter((a) => WRITE_ACTIONS.includes(a) || a === 'dynamodb:*')).toEqual([]);
  });

  /** The registry's write statements of a function, with the leading-key patterns each is limited to (undefined: any item). */
  const registryWrites = (name: string) =>
    statementsOf(name)
      .filter((s) => names(s, 'registry') && actionsOf(s).some((a) => WRITE_ACTIONS.includes(a)))
      .map((s) => ({
        actions: actionsOf(s),
        leadingKeys: s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string[] | undefined,
      }));

  it('no function writes anywhere in the registry: every registry write is limited to item types (dynamodb:LeadingKeys)', () => {
    for (const name of Object.keys(functionsByName())) {
      for (const write of registryWrites(name)) expect(write.leadingKeys, `${name}: ${write.actions.join(',')}`).toBeDefined();
    }
  });

  it('only the audit writers (manifest audit: chain) may write AUDIT# records and AUDITHEADS in the registry', () => {
    const auditWriters: string[] = [];
    for (const name of Object.keys(functionsByName())) {
      const keys = registryWrites(name).flatMap((w) => w.leadingKeys ?? ['*']);
      const audit = ['AUDIT#platform#p1', 'AUDITHEADS'].some((key) => keys.some((p) => like(p, key)));
      if (audit) auditWriters.push(name);
    }
    expect(auditWriters.sort()).toEqual(
      Object.entries(ALL_FUNCTIONS)
        .filter(([, spec]) => spec.audit === 'chain' && 'registry' in spec.tables)
        .map(([name]) => name)
        .sort(),
    );
    expect(auditWriters.sort()).toEqual(['admin', 'declarations', 'platforms']);
  });

  it('admin writes parameters, calendars and their audit records only; declarations only the audit records of a close', () => {
    expect(registryWrites('admin')).toEqual([{ actions: ['dynamodb:PutItem'], leadingKeys: ['PARAM#*', 'CALENDAR*', 'AUDIT#*', 'AUDITHEADS*'] }]);
    expect(registryWrites('declarations')).toEqual([{ actions: ['dynamodb:PutItem'], leadingKeys: ['AUDIT#*', 'AUDITHEADS*'] }]);
  });

  it('platforms writes platforms, credit codes, clients and their audit records, updates only profiles and deletes only client mappings', () => {
    const writes = registryWrites('platforms');
    expect(writes).toEqual([
      {
        actions: ['dynamodb:PutItem'],
        leadingKeys: ['PLATFORM#*', 'PLATFORMS*', 'CREDITCODE#*', 'CLIENT#*', 'APPCLIENT#*', 'AUDIT#*', 'AUDITHEADS*'],
      },
      { actions: ['dynamodb:UpdateItem'], leadingKeys: ['PLATFORM#*'] },
      { actions: ['dynamodb:DeleteItem'], leadingKeys: ['CLIENT#*'] },
    ]);
    const allowed = (action: string, key: string) => writes.some((w) => w.actions.includes(action) && w.leadingKeys!.some((p) => like(p, key)));
    for (const key of ['PARAM#x', 'CALENDAR', 'PERSON#h', 'PW#p#r', 'WORKER#w']) expect(allowed('dynamodb:PutItem', key), key).toBe(false);
    for (const key of ['PLATFORM#p', 'APPCLIENT#p', 'AUDIT#platform#p', 'AUDITHEADS']) expect(allowed('dynamodb:DeleteItem', key), key).toBe(false);
    expect(allowed('dynamodb:DeleteItem', 'CLIENT#abc')).toBe(true);
  });

  it('the cases function writes cases, report links, fund movements, assistance requests and late-report credit records only, never declarations, runs or batches', () => {
    const writes = statementsOf('cases').filter((s) => names(s, 'cases') && actionsOf(s).some((a) => WRITE_ACTIONS.includes(a)));
    expect(writes.map((s) => [actionsOf(s), s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']])).toEqual([
      [['dynamodb:PutItem'], ['CASE#*', 'FUND#*', 'ASSIST#*', 'CREDIT#*']],
      [['dynamodb:UpdateItem'], ['CASE#*', 'REPORT#*']],
      [['dynamodb:DeleteItem'], ['CASE#*']],
    ]);
  });

  it('every other writer of the cases table (documents, the document check, the workflow, the deadline sweep, payment batches, both payment-run starters, the declarations, the month close) writes only its own item types', () => {
    const casesWrites = (name: string) =>
      statementsOf(name)
        .filter((s) => names(s, 'cases') && actionsOf(s).some((a) => WRITE_ACTIONS.includes(a)))
        .map((s) => [actionsOf(s).sort(), s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']]);
    expect(casesWrites('documents')).toEqual([[['dynamodb:PutItem'], ['CASE#*']]]);
    expect(casesWrites('documentCheck')).toEqual([[['dynamodb:PutItem'], ['CASE#*']]]);
    expect(casesWrites('deadlineSweep')).toEqual([[['dynamodb:PutItem'], ['CASE#*']]]);
    // The workflow's Task states: cases, payments, fund movements, task tokens and run counters; never reports,
    // batches, declarations or credit records.
    expect(casesWrites('workflow')).toEqual([
      [['dynamodb:PutItem'], ['CASE#*', 'FUND#*']],
      [['dynamodb:UpdateItem'], ['CASE#*', 'RUN#*']],
      [['dynamodb:DeleteItem'], ['CASE#*']],
    ]);
    // Payment batches: never a case's ledger or task, never runs, declarations or credit records.
    expect(casesWrites('paymentBatches')).toEqual([
      [['dynamodb:PutItem'], ['BATCH#*', 'BATCHES#*', 'CASE#*', 'FUND#*']],
      [['dynamodb:UpdateItem'], ['BATCH#*']],
      [['dynamodb:DeleteItem'], ['BATCH#*', 'BATCHES#*']],
    ]);
    for (const name of ['paymentRuns', 'paymentRunSchedule'])
      expect(casesWrites(name), name).toEqual([[['dynamodb:PutItem', 'dynamodb:UpdateItem'], ['RUN#*']]]);
    // The declarations and the month close: the month's state, settlements and credit records only.
    for (const name of ['declarations', 'monthClose'])
      expect(casesWrites(name), name).toEqual([
        [
          ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
          ['DECL#*', 'CREDIT#*'],
        ],
      ]);
  });

  it('the webhook functions write only platforms’ webhook items of the events table; the consumer also inboxes; none deletes but the registration route', () => {
    const eventsWrites = (name: string) =>
      statementsOf(name)
        .filter((s) => names(s, 'events') && actionsOf(s).some((a) => WRITE_ACTIONS.includes(a)))
        .map((s) => [actionsOf(s).sort(), s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']]);
    expect(eventsWrites('webhooks')).toEqual([[['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], ['PLATFORM#*']]]);
    expect(eventsWrites('webhookSender')).toEqual([[['dynamodb:PutItem', 'dynamodb:UpdateItem'], ['PLATFORM#*']]]);
    expect(eventsWrites('eventConsumer')).toEqual([
      [
        ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        ['WORKER#*', 'PLATFORM#*'],
      ],
    ]);
  });

  it('every scoped grant of the manifest is in the role as written there (the rule the local runtime enforces, local/iam.ts)', () => {
    for (const [name, spec] of Object.entries(ALL_FUNCTIONS)) {
      for (const [table, access] of Object.entries(spec.tables as Record<string, TableAccess>)) {
        if (typeof access !== 'object') continue;
        const scoped = statementsOf(name)
          .filter((s) => names(s, table) && s.Condition?.['ForAllValues:StringLike'])
          .map((s) => ({ actions: actionsOf(s).sort(), keys: s.Condition!['ForAllValues:StringLike']!['dynamodb:LeadingKeys'] }));
        expect(scoped, `${name} on ${table}`).toEqual(
          writeScopes(access).map((scope) => ({
            actions: scope.actions.map((a) => `dynamodb:${a}`).sort(),
            keys: scope.keyPrefixes.map((p) => `${p}*`),
          })),
        );
      }
    }
  });

  it('every other table grant is the manifest’s read or readwrite, and a scoped write is never unconditioned', () => {
    for (const name of Object.keys(functionsByName())) {
      for (const s of statementsOf(name)) {
        const scoped = actionsOf(s).some((a) => WRITE_ACTIONS.includes(a)) && s.Condition?.['ForAllValues:StringLike'];
        if (scoped) expect(typeof (ALL_FUNCTIONS as Record<string, { tables: Record<string, unknown> }>)[name]!.tables, name).toBe('object');
      }
    }
  });
});

describe('the PII data key has a KMS key of its own (issue 17)', () => {
  const keyOf = (resources: Resources, idPrefix: string) => {
    const entries = Object.entries(resources).filter(([id, r]) => r.Type === 'AWS::KMS::Key' && id.startsWith(idPrefix));
    expect(entries).toHaveLength(1);
    return entries[0]!;
  };
  const context = Object.fromEntries(Object.entries(piiDataKeyContext('prod')).map(([k, v]) => [`kms:EncryptionContext:${k}`, v]));

  it('whose key policy lets no one use it but the personal-data roles (Decrypt, with the context); administrators manage it only', () => {
    const [, key] = keyOf(stateful, 'PiiKey');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const statements = key.Properties.KeyPolicy.Statement as Statement[];
    for (const s of statements) {
      expect(actionsOf(s)).not.toContain('kms:*');
      const crypto = actionsOf(s).filter((a) => CRYPTO.some((c) => a.startsWith(c) || (a.endsWith('*') && c.startsWith(a.slice(0, -1)))));
      if (crypto.length === 0) continue;
      // Every use of the key needs the data key's encryption context…
      expect(s.Condition?.StringEquals, s.Sid).toMatchObject(context);
      if (crypto.includes('kms:Decrypt')) {
        // …and Decrypt the role of a function that handles personal data.
        expect(crypto).toEqual(['kms:Decrypt']);
        expect(JSON.stringify(s.Condition?.ArnLike?.['aws:PrincipalArn'])).toContain(`:role/${piiRoleNamePrefix('prod')}*`);
      } else {
        // The operator creates the data key (or moves it here from the tables' key) without ever seeing it.
        expect(crypto).toEqual(['kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptTo']);
      }
    }
    expect(statements.filter((s) => actionsOf(s).includes('kms:Decrypt'))).toHaveLength(1);
  });

  it('the roles it lets decrypt are exactly those of the functions marked pii in the manifest', () => {
    const roleNames = Object.values(stateless)
      .filter((r) => r.Type === 'AWS::IAM::Role' && typeof r.Properties.RoleName === 'string')
      .map((r) => r.Properties.RoleName as string)
      .filter((n) => n.startsWith(piiRoleNamePrefix('prod')));
    expect(roleNames.sort()).toEqual(
      piiFunctions()
        .map((n) => piiRoleName('prod', n))
        .sort(),
    );
    expect(roleNames.length).toBeGreaterThan(0);
  });

  it('functions reach the PII key only to decrypt the data key (personal-data functions, with the context); the tables’ key only through DynamoDB', () => {
    const pii = new Set<string>(piiFunctions());
    for (const name of Object.keys(functionsByName())) {
      const kms = statementsOf(name).filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
      const onPii = kms.filter((s) => /PiiKey[0-9A-F]{8}Arn/.test(JSON.stringify(s.Resource)));
      const onTables = kms.filter((s) => /DataKey[0-9A-F]{8}Arn/.test(JSON.stringify(s.Resource)));
      expect(onPii, name).toEqual(
        pii.has(name)
          ? [{ Sid: 'DecryptPiiDataKey', Effect: 'Allow', Action: 'kms:Decrypt', Resource: expect.anything(), Condition: { StringEquals: context } }]
          : [],
      );
      for (const s of onTables) {
        expect(s.Condition, `${name}: ${JSON.stringify(s)}`).toEqual({
          StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] } },
        });
      }
      for (const s of kms) expect(s.Resource, name).not.toBe('*');
      // The PII data key's key id is the PII key, never the tables' key.
      const env = JSON.stringify(
        Object.values(stateless).find(
          (r) =>
            r.Type === 'AWS::Lambda::Function' &&
            JSON.stringify(r.Properties.Role).includes(built.stateless.getLogicalId(functionsByName()[name]!.role.node.defaultChild as never as never)),
        )?.Properties.Environment?.Variables?.PII_KMS_KEY_ID ?? null,
      );
      if (pii.has(name)) expect(env).toMatch(/PiiKey[0-9A-F]{8}Arn/);
      else expect(env).toBe('null');
    }
  });
});
