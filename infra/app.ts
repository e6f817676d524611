/**
 * The CDK app (cdk.json: `node infra/app.ts`). Environment: context `env` (`cdk synth -c env=prod`),
 * else NDX_ENV, else `dev`. Context `bundle=false` (`cdk synth -c bundle=false`) skips bundling the
 * handlers.
 */
import { App } from 'aws-cdk-lib';
import config from '../ndx.config.ts';
import { buildApp } from './build-app.ts';

// A throwaway App reads the CLI's context (however the CLI passed it) without defining any stack.
const cli = new App({ autoSynth: false });
const environment = String(cli.node.tryGetContext('env') ?? process.env.NDX_ENV ?? 'dev');
const bundle = String(cli.node.tryGetContext('bundle') ?? 'true') !== 'false';

buildApp(config, { environment, bundle }).synth();
