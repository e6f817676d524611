/**
 * What a cold Lambda pays for each ndx function: the bundle esbuild makes (the same options as the
 * CDK's NodejsFunction in infra/constructs/ndx-function.ts, source map included) and the time a fresh
 * Node process takes to import it with the functions' NODE_OPTIONS (`--enable-source-maps`: Node reads
 * the map when it loads the bundle), against a minimal handler that only imports the DynamoDB and SQS
 * clients, bundled and loaded the same way.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { ESM_REQUIRE_BANNER, LAMBDA_NODE_OPTIONS } from '../infra/constructs/ndx-function.ts';

const run = promisify(execFile);

export interface Bundle {
  name: string;
  file: string;
  bytes: number;
}

export async function bundleOne(name: string, entry: string, outdir: string, options: { externalAwsSdk?: boolean } = {}): Promise<Bundle> {
  const file = join(outdir, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    minify: true,
    charset: 'utf8',
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'error',
    ...(options.externalAwsSdk ? { external: ['@aws-sdk/*'] } : {}),
  });
  return { name, file, bytes: statSync(file).size };
}

/**
 * Bundles the router, the adapter and a minimal handler (imports the DynamoDB and SQS clients only)
 * as NdxFunction does: the AWS SDK left to the runtime. The bundles are written inside the project, so
 * their SDK imports resolve to node_modules as they resolve to the runtime's copy in Lambda.
 */
export async function bundleSizes(root: string): Promise<Bundle[]> {
  const outdir = join(root, 'bench', 'results', 'bundles');
  mkdirSync(outdir, { recursive: true });
  const options = { externalAwsSdk: true };
  return Promise.all([
    bundleOne('minimal-handler', join(root, 'bench/minimal-handler.ts'), outdir, options),
    bundleOne('router', join(root, 'functions/router/handler.ts'), outdir, options),
    bundleOne('adapter', join(root, 'functions/adapter/handler.ts'), outdir, options),
  ]);
}

/**
 * Median wall time of `import()` of each bundle in a fresh Node process, and the ratio to the minimal
 * handler. The bundles take turns (minimal, router, adapter, minimal, ...), so a machine that gets busier
 * or quieter during the measurement moves every bundle's samples alike and the ratios hold.
 */
export async function coldImports(
  bundles: readonly Bundle[],
  times: number,
  /** Node options of the fresh processes. @default the functions' (LAMBDA_NODE_OPTIONS) */
  nodeOptions: readonly string[] = LAMBDA_NODE_OPTIONS.split(' '),
): Promise<Array<{ name: string; medianMs: number; ratioToMinimal: number }>> {
  const samples = bundles.map((bundle) => ({ bundle, list: [] as number[] }));
  for (let i = 0; i < times; i++) {
    for (const { bundle, list } of samples) {
      const { stdout } = await run(process.execPath, [
        ...nodeOptions,
        '--input-type=module',
        '-e',
        `const t = performance.now(); await import(${JSON.stringify(bundle.file)}); console.log(performance.now() - t);`,
      ]);
      list.push(Number(stdout.trim()));
    }
  }
  const medians = samples.map(({ bundle, list }) => {
    list.sort((a, c) => a - c);
    // No samples (times = 0): no median.
    return { name: bundle.name, median: list[Math.floor(list.length / 2)] ?? Number.NaN };
  });
  const base = medians.find((m) => m.name === 'minimal-handler');
  if (!base) throw new Error('coldImports compares each bundle with the minimal handler: include the bundle named "minimal-handler"');
  return medians.map(({ name, median }) => ({ name, medianMs: Math.round(median * 10) / 10, ratioToMinimal: Math.round((median / base.median) * 100) / 100 }));
}

/** The AWS SDK packages the bundles import (left to the runtime): loaded first when the phases are timed. */
const SDK_PACKAGES = ['@aws-sdk/client-dynamodb', '@aws-sdk/client-sqs', '@aws-sdk/lib-dynamodb', '@aws-sdk/util-dynamodb', '@aws-sdk/client-secrets-manager'];

export interface ImportPhases {
  name: string;
  /** Importing the AWS SDK packages, alike for every bundle. */
  sdkMs: number;
  /** From `import()` to the bundle's first statement: reading, compiling and linking it (and its source map). */
  compileMs: number;
  /** Running the bundle's top level (schemas built, modules initialised). */
  runMs: number;
}

/**
 * Where a cold import's time goes, per bundle (medians over `times` fresh processes, bundles in turns):
 * the SDK is imported first, then the bundle, with a clock read at its first statement.
 */
export async function importPhases(
  bundles: readonly Bundle[],
  times: number,
  nodeOptions: readonly string[] = LAMBDA_NODE_OPTIONS.split(' '),
): Promise<ImportPhases[]> {
  const timed = bundles.map((b) => {
    // Same directory, so the bundle's relative source map URL still resolves.
    const file = b.file.replace(/\.mjs$/, '.phases.mjs');
    writeFileSync(file, `globalThis.__ndxFirstStatement = performance.now();\n${readFileSync(b.file, 'utf8')}`);
    return { name: b.name, file, samples: [] as Array<[number, number, number]> };
  });
  for (let i = 0; i < times; i++) {
    for (const t of timed) {
      const { stdout } = await run(process.execPath, [
        ...nodeOptions,
        '--input-type=module',
        '-e',
        `const a = performance.now(); await Promise.all(${JSON.stringify(SDK_PACKAGES)}.map((m) => import(m))); const b = performance.now(); await import(${JSON.stringify(t.file)}); const c = performance.now(); const s = globalThis.__ndxFirstStatement; console.log(JSON.stringify([b - a, s - b, c - s]));`,
      ]);
      t.samples.push(JSON.parse(stdout) as [number, number, number]);
    }
  }
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, c) => a - c);
    return Math.round((sorted[Math.floor(sorted.length / 2)] ?? Number.NaN) * 10) / 10;
  };
  return timed.map((t) => ({
    name: t.name,
    sdkMs: median(t.samples.map((s) => s[0])),
    compileMs: median(t.samples.map((s) => s[1])),
    runMs: median(t.samples.map((s) => s[2])),
  }));
}
