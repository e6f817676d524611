/**
 * What a cold Lambda pays for each ndx function: the bundle esbuild makes (infra/lambda-bundle.ts, the
 * settings NdxFunction deploys with) and the time a fresh Node process takes to import it with the
 * functions' Node options (LAMBDA_NODE_OPTIONS), against a minimal handler that only imports the DynamoDB
 * and SQS clients, bundled and loaded the same way; and a second baseline, the libraries the functions stand
 * on without ndx's own code (bench/libraries-handler.ts), which shows how much of a ratio those libraries take.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { LAMBDA_NODE_OPTIONS, lambdaBuildOptions } from '../infra/lambda-bundle.ts';

const run = promisify(execFile);

export interface Bundle {
  name: string;
  file: string;
  bytes: number;
}

/**
 * One bundle as NdxFunction deploys it. `sourceMap: 'linked'`: with its map named in the bundle, as the
 * functions were deployed before (to measure what loading the map costs with `--enable-source-maps`).
 */
export async function bundleOne(name: string, entry: string, outdir: string, options: { sourceMap?: 'linked' } = {}): Promise<Bundle> {
  const file = join(outdir, `${name}.mjs`);
  await build({ ...lambdaBuildOptions(entry, options), outfile: file });
  return { name, file, bytes: statSync(file).size };
}

/**
 * Bundles the router, the adapter, a minimal handler (imports the DynamoDB and SQS clients only) and
 * the libraries' handler (bench/libraries-handler.ts: the libraries the functions stand on, set up as they
 * set them up, without ndx's code) as NdxFunction does: the AWS SDK left to the runtime. The bundles are written inside the project, so
 * their SDK imports resolve to node_modules as they resolve to the runtime's copy in Lambda.
 * `sourceMap: 'linked'`: into their own directory, each with its map named in it.
 */
export async function bundleSizes(root: string, options: { sourceMap?: 'linked' } = {}): Promise<Bundle[]> {
  const outdir = join(root, 'bench', 'results', options.sourceMap ? 'bundles-with-maps' : 'bundles');
  mkdirSync(outdir, { recursive: true });
  return Promise.all([
    bundleOne('minimal-handler', join(root, 'bench/minimal-handler.ts'), outdir, options),
    bundleOne('libraries', join(root, 'bench/libraries-handler.ts'), outdir, options),
    bundleOne('router', join(root, 'functions/router/handler.ts'), outdir, options),
    bundleOne('adapter', join(root, 'functions/adapter/handler.ts'), outdir, options),
  ]);
}

/** A bundle's cold import against the minimal handler's. */
export interface ColdImport {
  name: string;
  /** Median wall time of the `import()`. */
  medianMs: number;
  ratioToMinimal: number;
  /**
   * Median CPU time (user + system, all of the process's threads) the `import()` took: what the import costs
   * the machine, which other processes' load moves much less than wall time.
   */
  medianCpuMs: number;
  cpuRatioToMinimal: number;
  /** Wall and CPU time against the libraries' handler's (bench/libraries-handler.ts), when it was measured: what ndx's own code adds. */
  ratioToLibraries?: number;
  cpuRatioToLibraries?: number;
}

/**
 * Median wall and CPU time of `import()` of each bundle in a fresh Node process, and the ratios to the
 * minimal handler. The bundles take turns (minimal, router, adapter, minimal, ...), so a machine that gets
 * busier or quieter during the measurement moves every bundle's samples alike and the ratios hold.
 */
export async function coldImports(
  bundles: readonly Bundle[],
  times: number,
  /** Node options of the fresh processes. @default the functions' (LAMBDA_NODE_OPTIONS) */
  nodeOptions: readonly string[] = LAMBDA_NODE_OPTIONS,
): Promise<ColdImport[]> {
  const samples = bundles.map((bundle) => ({ bundle, wall: [] as number[], cpu: [] as number[] }));
  for (let i = 0; i < times; i++) {
    for (const { bundle, wall, cpu } of samples) {
      const { stdout } = await run(process.execPath, [
        ...nodeOptions,
        '--input-type=module',
        '-e',
        `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(bundle.file)}); const ms = performance.now() - t; const d = process.cpuUsage(c); console.log(JSON.stringify([ms, (d.user + d.system) / 1000]));`,
      ]);
      const [ms, cpuMs] = JSON.parse(stdout) as [number, number];
      wall.push(ms);
      cpu.push(cpuMs);
    }
  }
  // No samples (times = 0): no median.
  const median = (list: number[]) => [...list].sort((a, c) => a - c)[Math.floor(list.length / 2)] ?? Number.NaN;
  const medians = samples.map(({ bundle, wall, cpu }) => ({ name: bundle.name, wall: median(wall), cpu: median(cpu) }));
  const base = medians.find((m) => m.name === 'minimal-handler');
  if (!base) throw new Error('coldImports compares each bundle with the minimal handler: include the bundle named "minimal-handler"');
  const libraries = medians.find((m) => m.name === 'libraries');
  const round = (x: number, to: number) => Math.round(x * to) / to;
  return medians.map(({ name, wall, cpu }) => ({
    name,
    medianMs: round(wall, 10),
    ratioToMinimal: round(wall / base.wall, 100),
    medianCpuMs: round(cpu, 10),
    cpuRatioToMinimal: round(cpu / base.cpu, 100),
    ...(libraries && name !== 'minimal-handler' && name !== 'libraries'
      ? { ratioToLibraries: round(wall / libraries.wall, 100), cpuRatioToLibraries: round(cpu / libraries.cpu, 100) }
      : {}),
  }));
}

/** The AWS SDK packages the bundles import (left to the runtime): loaded first when the phases are timed. */
const SDK_PACKAGES = ['@aws-sdk/client-dynamodb', '@aws-sdk/client-sqs', '@aws-sdk/lib-dynamodb', '@aws-sdk/util-dynamodb', '@aws-sdk/client-secrets-manager'];

export interface ImportPhases {
  name: string;
  /** Importing the AWS SDK packages, alike for every bundle. */
  sdkMs: number;
  /** From `import()` to the bundle's first statement: reading, compiling and linking it (and its source map, when loaded). */
  compileMs: number;
  /** Running the bundle's top level (schemas built, modules initialised). */
  runMs: number;
}

/**
 * Where a cold import's time goes, per bundle (medians over `times` fresh processes, bundles in turns):
 * the SDK is imported first, then the bundle, with a clock read at its first statement.
 */
export async function importPhases(bundles: readonly Bundle[], times: number, nodeOptions: readonly string[] = LAMBDA_NODE_OPTIONS): Promise<ImportPhases[]> {
  const timed = bundles.map((b) => {
    // Same directory, so a bundle's relative source map URL (if it names one) still resolves.
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
