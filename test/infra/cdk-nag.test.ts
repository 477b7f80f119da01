import { App, Stack, Validations } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildTestApp, removeOutdir, tempOutdir, testContext } from './app-fixture.ts';

describe('cdk-nag AwsSolutions', () => {
  it.each(['dev', 'prod'] as const)('the %s app synthesises with no unacknowledged finding', (stage) => {
    const built = buildTestApp(stage, { nag: true });
    try {
      expect(() => built.app.synth()).not.toThrow();
      // synth fails only on errors; warnings count too, so ask the pack directly.
      const report = new AwsSolutionsChecks().validateScope(built.app);
      expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    } finally {
      built.dispose();
    }
  });

  it('fails synth for a non-compliant resource (proves the check can fail)', () => {
    const outdir = tempOutdir();
    try {
      const app = new App({ outdir, context: testContext() });
      const stack = new Stack(app, 'Throwaway');
      new Table(stack, 'NoPitr', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      expect(() => app.synth()).toThrow(/AwsSolutions-DDB3/);
    } finally {
      removeOutdir(outdir);
    }
  });

  it('lets an acknowledgement on the resource silence exactly that finding', () => {
    const outdir = tempOutdir();
    try {
      const app = new App({ outdir, context: testContext() });
      const stack = new Stack(app, 'Throwaway');
      const table = new Table(stack, 'NoPitr', {
        partitionKey: { name: 'pk', type: AttributeType.STRING },
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false },
      });
      Validations.of(table).acknowledge({ id: 'AwsSolutions-DDB3', reason: 'test fixture' });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      expect(() => app.synth()).not.toThrow();
    } finally {
      removeOutdir(outdir);
    }
  });
});
