/**
 * NdxFunction: a Lambda function running one of ndx's TypeScript handlers, bundled by esbuild.
 *
 * Defaults: Node.js 24 on ARM64, ESM output (with a `createRequire` banner so bundled CommonJS
 * dependencies can still `require` Node built-ins), minified with source maps, X-Ray active tracing,
 * its own log group with a retention period, and its own least-privilege role (no AWS managed
 * policies: it may write only to its own log group). The synthesized function carries the metadata
 * `ndx:handler` (the entry, relative to the repository root) so the local engine can run the same
 * handler with the same environment.
 */
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fromRoot, repoRoot } from '../paths.ts';

/** Metadata key on each AWS::Lambda::Function: the handler's entry, relative to the repository root. */
export const HANDLER_METADATA_KEY = 'ndx:handler';

/** The newest Node.js runtime this aws-cdk-lib knows (cdk-nag AwsSolutions-L1 wants the latest). */
export const NODE_RUNTIME: lambda.Runtime = lambda.Runtime.NODEJS_24_X;

/** esbuild banner: ESM output has no `require`; bundled CommonJS code (e.g. the AWS SDK's deps) needs one. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __ndxCreateRequire } from 'node:module'; const require = __ndxCreateRequire(import.meta.url);";

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
}

export class NdxFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** The entry relative to the repository root (what `ndx:handler` says). */
  readonly entry: string;

  constructor(scope: Construct, id: string, props: NdxFunctionProps) {
    super(scope, id);
    for (const [k, v] of Object.entries(props.environment)) {
      if (typeof v !== 'string') throw new Error(`${props.functionName}: environment ${k} must be a literal string`);
    }
    this.entry = props.entry;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });

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
      role: this.role,
      logGroup: this.logGroup,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the AWS SDK too: one pinned copy of every dependency (Powertools relies on
        // `instanceof` across packages), independent of the SDK version the runtime happens to ship.
        bundleAwsSDK: true,
        tsconfig: fromRoot('tsconfig.json'),
      },
    });

    const cfn = this.function.node.defaultChild as lambda.CfnFunction;
    cfn.addMetadata(HANDLER_METADATA_KEY, props.entry);
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
