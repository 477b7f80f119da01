/**
 * CDK app entry (`cdk synth`, `cdk deploy`): stage from context (`-c stage=prod`, default dev),
 * cdk-nag AwsSolutions on. Everything else lives in lib/app.ts so tests build the same app.
 */
import { buildApp } from '../lib/app.ts';

buildApp();
