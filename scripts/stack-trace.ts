/**
 * Decodes a stack trace from a function's logs into TypeScript files and lines.
 *
 *   npm run stack-trace -- ndx-router < trace.txt
 *   npm run stack-trace -- adapter trace.txt --deployed index.mjs
 *
 * The functions ship without source maps and start without `--enable-source-maps` (infra/lambda-bundle.ts:
 * loading the map cost every cold start), so a trace in CloudWatch points into the bundle, e.g.
 * `file:///var/task/index.mjs:2:43591`. This rebuilds the function's bundle exactly as NdxFunction
 * deploys it (the same esbuild settings; run it on the commit that was deployed), with its map, and
 * rewrites every `index.mjs:line:column` into `file.ts:line:column`. Function names in the trace stay
 * minified; the file and line say where.
 *
 * `--deployed <index.mjs>`: the deployed bundle (`aws lambda get-function --function-name ndx-router
 * --query Code.Location` is a link to its zip): the script refuses to decode when the rebuild differs
 * from it, i.e. when the checkout is not the deployed commit. Exit codes: 0 decoded, 1 the rebuild
 * differs from `--deployed`, 2 usage.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { handlerEntries } from '../infra/constructs/environment.ts';
import { lambdaBuildOptions } from '../infra/lambda-bundle.ts';
import { fromRoot, repoRoot } from '../infra/paths.ts';

/**
 * The handler entry of a function, by its deployed name (`ndx-router`, `ndx-adapter-population`,
 * `ndx-indicators-land-segment`), its key (`router`, `indicatorRun`) or its entry path.
 */
export function entryOf(fn: string): string | undefined {
  if (fn.endsWith('handler.ts')) return fn;
  if (fn in handlerEntries) return handlerEntries[fn as keyof typeof handlerEntries];
  const deployed: Array<[RegExp, string]> = [
    [/^ndx-adapter-[a-z0-9-]+$/, handlerEntries.adapter],
    [/^ndx-indicators-[a-z0-9-]+-segment$/, handlerEntries.indicatorSegment],
    [/^ndx-indicators-[a-z0-9-]+$/, handlerEntries.indicatorRun],
    [/^ndx-audit-(anchor|archive)$/, 'functions/$1/handler.ts'],
    [/^ndx-forwarding-key-rotation$/, handlerEntries.rotation],
    [/^ndx-([a-z]+)$/, 'functions/$1/handler.ts'],
  ];
  for (const [pattern, entry] of deployed) if (pattern.test(fn)) return fn.replace(pattern, entry);
  return undefined;
}

/** The function's bundle as deployed, and its source map (sources relative to the repository root). */
export async function rebuild(entry: string): Promise<{ code: string; map: SourceMap }> {
  const outfile = fromRoot('.ndx/stack-trace/index.mjs');
  const result = await build({ ...lambdaBuildOptions(fromRoot(entry), { sourceMap: 'external' }), outfile, write: false });
  const code = result.outputFiles.find((f) => f.path === outfile)?.text;
  const mapText = result.outputFiles.find((f) => f.path === `${outfile}.map`)?.text;
  if (code === undefined || mapText === undefined) throw new Error(`esbuild gave no bundle or no map for ${entry}`);
  const payload = JSON.parse(mapText) as { sources: string[] };
  payload.sources = payload.sources.map((s) => relative(repoRoot, resolve(dirname(outfile), s)));
  return { code, map: new SourceMap(payload as ConstructorParameters<typeof SourceMap>[0]) };
}

/**
 * Rewrites each position in the bundle (`index.mjs:line:column`, any directory, with or without `file://`)
 * into the TypeScript file, line and column it came from; positions the map does not cover stay as they are.
 */
export function decodeTrace(trace: string, map: SourceMap): string {
  return trace.replace(/(?:file:\/\/)?(?:\/[^\s():]*\/)?index\.mjs:(\d+):(\d+)/g, (whole, line: string, column: string) => {
    const origin = map.findOrigin(Number(line), Number(column));
    return 'fileName' in origin ? `${origin.fileName}:${origin.lineNumber}:${origin.columnNumber}` : whole;
  });
}

async function main(args: string[]): Promise<number> {
  const at = args.indexOf('--deployed');
  const deployedFile = at >= 0 ? args[at + 1] : undefined;
  const positional = args.filter((_, i) => at < 0 || (i !== at && i !== at + 1));
  const [fn, traceFile] = positional;
  const entry = fn ? entryOf(fn) : undefined;
  if (!entry || (at >= 0 && !deployedFile)) {
    console.error(
      'usage: npm run stack-trace -- <function> [trace file] [--deployed index.mjs]\n' +
        '  <function>: its name as deployed (ndx-router, ndx-adapter-population) or a key (router, adapter, api...)\n' +
        '  the trace is read from the file, else from standard input',
    );
    return 2;
  }
  const { code, map } = await rebuild(entry);
  if (deployedFile && readFileSync(deployedFile, 'utf8') !== code) {
    console.error(
      `${deployedFile} is not the bundle this checkout makes for ${entry}: check out the commit that was deployed (and run npm ci), then try again.`,
    );
    return 1;
  }
  const trace = readFileSync(traceFile ?? 0, 'utf8');
  process.stdout.write(decodeTrace(trace, map));
  return 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
