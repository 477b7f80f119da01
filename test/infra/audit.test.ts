/**
 * The keyed, anchored audit in the synthesised apps (lib/stacks/audit.ts; docs/security.md "Audit trail"):
 * the MAC key and the anchor signing key, the object-locked anchor bucket, and who may use what — GenerateMac
 * only for the chain writers, Sign and PutObject under `anchors/` only for the anchor job, VerifyMac /
 * Verify / GetPublicKey / deletes for no function; the chainer's own stream mapping; the hourly schedule.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_CHAINED_CASES_ITEMS } from '../../manifest/audit.ts';
import { ALL_FUNCTIONS, type AnyFunctionName, auditFunctions } from '../../manifest/functions.ts';
import { SCHEDULES } from '../../manifest/schedules.ts';
import { CHAINER_RETRY_ATTEMPTS } from '../../lib/stacks/audit.ts';
import { functionRoleName, tableName } from '../../lib/stacks/stateful-stack.ts';
import { buildTestApp, type BuiltApp } from './app-fixture.ts';

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
  readonly Principal?: unknown;
}
type Resources = Record<string, { Type: string; Properties: any; DeletionPolicy?: string }>;
const actionsOf = (s: Statement) => [s.Action].flat();

for (const stage of ['prod', 'dev'] as const) {
  describe(`audit keys, anchor bucket and grants (${stage})`, () => {
    let built: BuiltApp;
    let stateful: Resources;
    let stateless: Resources;
    beforeAll(() => {
      built = buildTestApp(stage);
      stateful = Template.fromStack(built.stateful).toJSON().Resources;
      stateless = Template.fromStack(built.stateless).toJSON().Resources;
    });
    afterAll(() => built?.dispose());

    const idOf = (construct: { node: { defaultChild?: unknown } }, stack: 'stateful' | 'stateless') =>
      built[stack].getLogicalId(construct.node.defaultChild as never);
    const fnOf = (name: AnyFunctionName) =>
      name === 'authorizer'
        ? built.stateless.authorizerFunction
        : (
            {
              ...built.stateless.functions,
              ...built.stateless.workflowFunctions,
              ...built.stateless.eventFunctions,
              ...built.stateless.domainEventFunctions,
            } as Record<string, (typeof built.stateless.functions)['admin']>
          )[name]!;
    const statementsOf = (name: AnyFunctionName): Statement[] => {
      const roleId = idOf(fnOf(name).role, 'stateless');
      return Object.values(stateless)
        .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
        .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
    };
    const names = Object.keys(ALL_FUNCTIONS) as AnyFunctionName[];
    const holders = (action: string) => names.filter((name) => statementsOf(name).some((s) => s.Effect === 'Allow' && actionsOf(s).includes(action))).sort();

    it('creates an HMAC_256 MAC key and an ECC_NIST_P256 signing key, retained, whose policies let the account administer but not use them', () => {
      const mac = stateful[idOf(built.stateful.audit.macKey, 'stateful')]!;
      const signing = stateful[idOf(built.stateful.audit.signingKey, 'stateful')]!;
      expect(mac.Properties).toMatchObject({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
      expect(signing.Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
      for (const key of [mac, signing]) {
        expect(key.DeletionPolicy).toBe('Retain');
        const statements = key.Properties.KeyPolicy.Statement as Statement[];
        const admin = statements.find((s) => s.Sid === 'KeyAdministrationNotUse')!;
        for (const use of ['kms:GenerateMac', 'kms:VerifyMac', 'kms:Sign', 'kms:Verify', 'kms:GetPublicKey', 'kms:*', 'kms:Get*'])
          expect(actionsOf(admin)).not.toContain(use);
        // No key-policy statement names a principal other than the account.
        for (const s of statements) expect(JSON.stringify(s.Principal)).toMatch(/:root/);
      }
    });

    it('lets only the named roles of the chain writers GenerateMac and the anchor job Sign, in the key policies themselves', () => {
      const roleArns = (role: 'chain' | 'anchor') =>
        auditFunctions(role)
          .map((name) => {
            const roleName = functionRoleName(stage, name)!;
            // The stateless stack gives the function's role that very name.
            expect(stateless[idOf(fnOf(name).role, 'stateless')]!.Properties.RoleName, name).toBe(roleName);
            return roleName;
          })
          .sort();
      const useStatement = (key: 'macKey' | 'signingKey', action: string) => {
        const statements = stateful[idOf(built.stateful.audit[key], 'stateful')]!.Properties.KeyPolicy.Statement as Statement[];
        const using = statements.filter((s) => actionsOf(s).includes(action));
        expect(using).toHaveLength(1);
        return using[0]!;
      };
      const namedRoles = (s: Statement) =>
        ([s.Condition!.ArnLike!['aws:PrincipalArn']].flat() as unknown[]).map((arn) => JSON.stringify(arn).match(/:role\/([\w-]+)/)![1]!).sort();
      expect(namedRoles(useStatement('macKey', 'kms:GenerateMac'))).toEqual(roleArns('chain'));
      expect(namedRoles(useStatement('signingKey', 'kms:Sign'))).toEqual(roleArns('anchor'));
      expect(actionsOf(useStatement('macKey', 'kms:GenerateMac'))).toEqual(['kms:GenerateMac']);
      expect(actionsOf(useStatement('signingKey', 'kms:Sign'))).toEqual(['kms:Sign']);
    });

    it(`locks every anchor in compliance mode for ${stage === 'prod' ? '3,653 days' : '1 day'}, versioned, encrypted, never public, TLS only, deletes denied`, () => {
      const bucketId = idOf(built.stateful.audit.anchorBucket, 'stateful');
      const bucket = stateful[bucketId]!;
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.Properties).toMatchObject({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: stage === 'prod' ? 3653 : 1 } } },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: idOf(built.stateful.audit.anchorAccessLogs, 'stateful') } },
      });
      const policy = Object.values(stateful).find(
        (r) => r.Type === 'AWS::S3::BucketPolicy' && JSON.stringify(r.Properties.Bucket) === JSON.stringify({ Ref: bucketId }),
      )!;
      const statements = policy.Properties.PolicyDocument.Statement as Statement[];
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      const deny = statements.find((s) => s.Sid === 'DenyDeletingAnchors')!;
      expect(deny.Effect).toBe('Deny');
      expect(actionsOf(deny)).toEqual(expect.arrayContaining(['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention']));
    });

    it('grants GenerateMac only to the chain writers, Sign only to the anchor job, and VerifyMac, Verify or GetPublicKey to no function', () => {
      expect(auditFunctions('chain').sort()).toEqual(['admin', 'auditChainer', 'declarations', 'platforms']);
      expect(holders('kms:GenerateMac')).toEqual(auditFunctions('chain').sort());
      expect(holders('kms:Sign')).toEqual(['auditAnchor']);
      for (const action of ['kms:VerifyMac', 'kms:Verify', 'kms:GetPublicKey']) expect(holders(action), action).toEqual([]);
      // The key ARNs are imports of the stateful stack's outputs (cross-stack references), never "*".
      const macKeyId = idOf(built.stateful.audit.macKey, 'stateful');
      const signingKeyId = idOf(built.stateful.audit.signingKey, 'stateful');
      for (const name of auditFunctions('chain')) {
        const statement = statementsOf(name).find((s) => actionsOf(s).includes('kms:GenerateMac'))!;
        expect(actionsOf(statement)).toEqual(['kms:GenerateMac']);
        expect(JSON.stringify(statement.Resource)).toContain(macKeyId);
      }
      const sign = statementsOf('auditAnchor').find((s) => actionsOf(s).includes('kms:Sign'))!;
      expect(actionsOf(sign)).toEqual(['kms:Sign']);
      expect(JSON.stringify(sign.Resource)).toContain(signingKeyId);
    });

    it('lets only the anchor job write anchors, only PutObject under anchors/, and no function delete one', () => {
      const writers = names
        .filter((name) => statementsOf(name).some((s) => actionsOf(s).includes('s3:PutObject') && JSON.stringify(s.Resource ?? null).includes('audit-anchors')))
        .sort();
      expect(writers).toEqual(['auditAnchor']);
      const put = statementsOf('auditAnchor').find((s) => actionsOf(s).includes('s3:PutObject'))!;
      expect(actionsOf(put)).toEqual(['s3:PutObject']);
      expect(JSON.stringify(put.Resource)).toMatch(/audit-anchors-.*\/anchors\/\*"/);
      for (const name of names)
        for (const s of statementsOf(name))
          if (JSON.stringify(s.Resource ?? null).includes('audit-anchors')) expect(actionsOf(s).some((a) => /Delete|Retention|LegalHold/.test(a))).toBe(false);
    });

    it('gives the chainer its own ordered mapping on the cases stream (chained items only, long retries, a DLQ) and writes only ledger records and markers', () => {
      const mapping = Object.values(stateless).find(
        (r) =>
          r.Type === 'AWS::Lambda::EventSourceMapping' &&
          JSON.stringify(r.Properties.FunctionName) === JSON.stringify({ Ref: idOf(fnOf('auditChainer').function, 'stateless') }),
      )!;
      expect(mapping.Properties).toMatchObject({
        StartingPosition: 'TRIM_HORIZON',
        BisectBatchOnFunctionError: false,
        MaximumRetryAttempts: CHAINER_RETRY_ATTEMPTS,
        ParallelizationFactor: 1,
        DestinationConfig: { OnFailure: { Destination: expect.anything() } },
      });
      const filters = JSON.stringify(mapping.Properties.FilterCriteria);
      for (const sk of AUDIT_CHAINED_CASES_ITEMS.sortKeys) expect(filters).toContain(`\\"${sk}\\"`);
      for (const prefix of AUDIT_CHAINED_CASES_ITEMS.sortKeyPrefixes) expect(filters).toContain(prefix);
      expect(filters).not.toContain('TASK');
      const writes = statementsOf('auditChainer').filter((s) => actionsOf(s).some((a) => /dynamodb:(Put|Update|Delete|BatchWrite)/.test(a)));
      expect(writes).toHaveLength(1);
      expect(JSON.stringify(writes[0]!.Resource)).toContain(tableName(stage, 'audit'));
      expect(writes[0]!.Condition!['ForAllValues:StringLike']!['dynamodb:LeadingKeys']).toEqual(['LEDGER#*', 'SRC#*']);
    });

    it('invokes the anchor job every hour at :17 (Asia/Shanghai) with the scheduled time, and alarms on chainer dead letters and anchor errors', () => {
      const schedule = Object.values(stateless).find(
        (r) => r.Type === 'AWS::Scheduler::Schedule' && r.Properties.Description === SCHEDULES.auditAnchor.description,
      )!;
      expect(schedule.Properties).toMatchObject({
        ScheduleExpression: 'cron(17 * * * ? *)',
        ScheduleExpressionTimezone: 'Asia/Shanghai',
        Target: { Arn: { 'Fn::GetAtt': [idOf(fnOf('auditAnchor').function, 'stateless'), 'Arn'] }, Input: expect.stringContaining('scheduledTime') },
      });
      const alarms = Object.values(stateless)
        .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
        .map((r) => String(r.Properties.AlarmDescription));
      expect(alarms.some((d) => d.includes('audit chainer could not chain'))).toBe(true);
      expect(alarms.some((d) => d.includes('hourly audit anchor failed'))).toBe(true);
    });

    it('hands the key ids to exactly the functions that use them', () => {
      const envOf = (name: AnyFunctionName) =>
        Object.keys((stateless[idOf(fnOf(name).function, 'stateless')]!.Properties.Environment?.Variables ?? {}) as Record<string, unknown>);
      for (const name of names) {
        expect(envOf(name).includes('AUDIT_MAC_KEY_ID'), name).toBe(ALL_FUNCTIONS[name].audit === 'chain');
        expect(envOf(name).includes('AUDIT_SIGNING_KEY_ID'), name).toBe(ALL_FUNCTIONS[name].audit === 'anchor');
        expect(envOf(name).includes('AUDIT_ANCHOR_BUCKET'), name).toBe(ALL_FUNCTIONS[name].audit === 'anchor');
      }
    });
  });
}
