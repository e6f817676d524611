/**
 * What a cold Lambda pays for each ndx function: the bundle esbuild makes (the same options as the
 * CDK's NodejsFunction in infra/constructs/ndx-function.ts, source map included) and the time a fresh
 * Node process takes to import it with the functions' NODE_OPTIONS (`--enable-source-maps`: Node reads
 * the map when it loads the bundle), against a minimal handler that only imports the DynamoDB and SQS
 * clients, bundled and loaded the same way.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
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
