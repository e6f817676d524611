/**
 * NdxFunction: a Lambda function running one of ndx's TypeScript handlers, bundled by esbuild.
 *
 * Defaults: Node.js 24 on ARM64, bundled as infra/lambda-bundle.ts says (ESM with a `createRequire` banner
 * so bundled CommonJS dependencies can still `require` Node built-ins, minified, the AWS SDK from the
 * runtime; no source map shipped or loaded: `npm run stack-trace` decodes a trace), X-Ray active tracing,
 * its own log group with a retention period, encrypted with a customer-managed key, and its own
 * least-privilege role (no AWS managed policies: it may write only to its own log group). Alarms on
 * errors and throttles go to the environment's alarm target; reserved concurrency when configured. The synthesized function carries the metadata
 * `ndx:handler` (the entry, relative to the repository root) so the local engine can run the same
 * handler with the same environment.
 */
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fromRoot, repoRoot } from '../paths.ts';
import { ALARM_PERIOD, ndxAlarm, type AlarmTarget } from './monitoring.ts';
import { acknowledge } from './nag.ts';
import { allowLogsToEncrypt } from './keys.ts';
import { LAMBDA_BUNDLE, LAMBDA_NODE_OPTIONS } from '../lambda-bundle.ts';

/** Metadata key on each AWS::Lambda::Function: the handler's entry, relative to the repository root. */
export const HANDLER_METADATA_KEY = 'ndx:handler';
/**
 * Metadata naming environment variables that only exist on AWS (e.g. a bucket's generated name): the
 * local engine leaves them out instead of refusing a value it cannot resolve, and gives the function
 * its local equivalent itself (local/engine.ts).
 */
export const AWS_ONLY_ENV_METADATA_KEY = 'ndx:aws-only-environment';

/** The newest Node.js runtime this aws-cdk-lib knows (cdk-nag AwsSolutions-L1 wants the latest). */
export const NODE_RUNTIME: lambda.Runtime = lambda.Runtime.NODEJS_24_X;

export interface NdxFunctionProps {
  /** Physical function name, e.g. `ndx-router`. */
  readonly functionName: string;
  /** Handler entry relative to the repository root, e.g. `functions/router/handler.ts`. */
  readonly entry: string;
  /** @default 'handler' */
  readonly handler?: string;
  readonly description?: string;
  /** Environment variables: literal strings only, so the local engine can read them from the template. */
  readonly environment: Record<string, string>;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the log group. @default RemovalPolicy.DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Customer-managed key that encrypts the log group. Its key policy is given a statement letting
   * CloudWatch Logs use it for this log group only (encryption context `aws:logs:arn`).
   */
  readonly logEncryptionKey: kms.Key;
  /** Where the function's alarms (errors, throttles) go. */
  readonly alarmTarget: AlarmTarget;
  /**
   * Reserved concurrent executions.
   * @default - none: the event source mappings' maximum concurrency bounds the function instead
   */
  readonly reservedConcurrency?: number;
  /**
   * Whether the local engine runs this handler (it runs every function with `ndx:handler` metadata).
   * False for functions that exist only on AWS (the scheduled anchor, the secret rotation): no metadata.
   * @default true
   */
  readonly runsLocally?: boolean;
}

export class NdxFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** The entry relative to the repository root (what `ndx:handler` says). */
  readonly entry: string;
  /** Fires when an invocation fails as a whole (a crash or a timeout; per-record failures are retried, then reach the DLQ). */
  readonly errorAlarm: cloudwatch.Alarm;
  /** Fires when Lambda throttles the function. */
  readonly throttleAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: NdxFunctionProps) {
    super(scope, id);
    for (const [k, v] of Object.entries(props.environment)) {
      if (typeof v !== 'string') throw new Error(`${props.functionName}: environment ${k} must be a literal string`);
    }
    this.entry = props.entry;

    const logGroupName = `/aws/lambda/${props.functionName}`;
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName,
      retention: props.logRetention,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    // CloudWatch Logs encrypts with the key only for this log group.
    allowLogsToEncrypt(props.logEncryptionKey, this, logGroupName, `LogsEncrypt${props.functionName.replace(/[^A-Za-z0-9]/g, '')}`);

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.functionName}`,
    });
    // Instead of the AWSLambdaBasicExecutionRole managed policy (any log group): only its own.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      description: props.description,
      entry: fromRoot(props.entry),
      handler: props.handler ?? 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: fromRoot('package-lock.json'),
      runtime: NODE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrency,
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...(LAMBDA_NODE_OPTIONS.length > 0 ? { NODE_OPTIONS: LAMBDA_NODE_OPTIONS.join(' ') } : {}), ...props.environment },
      // infra/lambda-bundle.ts's settings; test/infra/bundling.test.ts checks the asset is byte for byte what
      // lambdaBuildOptions makes (the benchmark's bundle and the one `npm run stack-trace` decodes with).
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: LAMBDA_BUNDLE.target,
        mainFields: [...LAMBDA_BUNDLE.mainFields],
        banner: LAMBDA_BUNDLE.banner,
        minify: LAMBDA_BUNDLE.minify,
        // Through esbuildArgs: this aws-cdk-lib declares `charset` but does not pass it to esbuild.
        esbuildArgs: { '--charset': LAMBDA_BUNDLE.charset },
        // No source map in the asset: it would more than double the zip (115 KB gzipped for the router, its
        // code 91 KB) and is not read at run time (see LAMBDA_NODE_OPTIONS).
        sourceMap: false,
        // LAMBDA_BUNDLE.external: the AWS SDK from the runtime.
        bundleAwsSDK: false,
        tsconfig: fromRoot('tsconfig.json'),
      },
    });

    const cfn = this.function.node.defaultChild as lambda.CfnFunction;
    if (props.runsLocally !== false) cfn.addMetadata(HANDLER_METADATA_KEY, props.entry);
    acknowledge(cfn, 'Serverless-LambdaDLQ', 'NIST.800.53.R5-LambdaDLQ', 'NIST.800.53.R5-LambdaInsideVPC');
    if (props.reservedConcurrency === undefined) acknowledge(cfn, 'NIST.800.53.R5-LambdaConcurrency');

    this.errorAlarm = ndxAlarm(this, 'ErrorAlarm', props.alarmTarget, {
      alarmName: `${props.functionName}-errors`,
      description: `${props.functionName}: invocations failed as a whole (crash or timeout). Its batch is retried; see the function's logs and \`ndx ops status\`.`,
      metric: this.function.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }),
      threshold: 1,
    });
    this.throttleAlarm = ndxAlarm(this, 'ThrottleAlarm', props.alarmTarget, {
      alarmName: `${props.functionName}-throttles`,
      description: `${props.functionName}: Lambda throttled invocations. Raise the account's concurrency, the reserved concurrency or lower functions.maxConcurrency.`,
      metric: this.function.metricThrottles({ period: ALARM_PERIOD, statistic: 'Sum' }),
      threshold: 1,
    });
  }

  /** The role's default policy, created by the first grant (X-Ray statements live there). */
  get defaultPolicy(): iam.Policy | undefined {
    return this.role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
  }

  /** Adds statements to the function's own identity policy (same stack only: avoid cross-stack cycles). */
  addToRolePolicy(...statements: iam.PolicyStatement[]): void {
    for (const s of statements) this.role.addToPrincipalPolicy(s);
  }
}
