/**
 * How every ndx Lambda function is bundled and started: one definition that NdxFunction (the CDK
 * bundling), the benchmark (bench/lambda-cost.ts) and `npm run stack-trace` share, so the bundle that is
 * measured and the one whose source map decodes a stack trace are the bundle that is deployed
 * (test/infra/bundling.test.ts compares them byte for byte).
 *
 * No source map at run time. `--enable-source-maps` made Node read and parse each bundle's map (about
 * 420 KB for the router) on every cold start: 5–7 ms more to compile and link a lookup function's bundle
 * on a quiet machine, more under load (`npm run bench:cold`). The bundle ships without its map; stack
 * traces in the logs point into `index.mjs` (line and column), and `npm run stack-trace` rebuilds the
 * same bundle with its map and translates them into TypeScript files, lines and names.
 */
import type { BuildOptions } from 'esbuild';

/** esbuild banner: ESM output has no `require`; bundled CommonJS code (e.g. the AWS SDK's deps) needs one. */
export const ESM_REQUIRE_BANNER = "import { createRequire as __ndxCreateRequire } from 'node:module'; const require = __ndxCreateRequire(import.meta.url);";

/**
 * The Node options every function runs with (its NODE_OPTIONS when not empty). None: no
 * `--enable-source-maps` (see above); the benchmark starts its fresh processes with these too.
 */
export const LAMBDA_NODE_OPTIONS: readonly string[] = [];

/** The esbuild settings of every function, as NdxFunction passes them to the CDK's NodejsFunction. */
export const LAMBDA_BUNDLE = {
  /** Node.js 24 runs ESM; `module` first so packages give their ESM builds. */
  format: 'esm',
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  /** Minified: smaller and faster to compile; a trace's line and column still locate the code through the map. */
  minify: true,
  /** Text as UTF-8 rather than \u escapes (the contracts' Vietnamese names and descriptions): 1.8 KB less in the router. */
  charset: 'utf8',
  /**
   * The AWS SDK v3 comes from the nodejs24.x runtime, so every function imports one copy of it
   * (Powertools' `instanceof` checks hold) and the bundle stays small: the benchmark measured 607 KB
   * with the SDK bundled against about 230 KB without (budget: 300 KB). The SDK is backward compatible
   * within v3; tests run the version the lockfile pins.
   */
  external: ['@aws-sdk/*'],
} as const;

/**
 * esbuild options that make a function's bundle exactly as NdxFunction deploys it. `sourceMap`: also
 * write its map next to it without naming it in the bundle (`external`), as `npm run stack-trace` needs,
 * or name it too (`linked`, for measuring what loading it costs); the code is the same either way.
 */
export function lambdaBuildOptions(entry: string, options: { sourceMap?: 'external' | 'linked' } = {}): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: LAMBDA_BUNDLE.format,
    target: LAMBDA_BUNDLE.target,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    banner: { js: LAMBDA_BUNDLE.banner },
    minify: LAMBDA_BUNDLE.minify,
    charset: LAMBDA_BUNDLE.charset,
    external: [...LAMBDA_BUNDLE.external],
    ...(options.sourceMap ? { sourcemap: options.sourceMap, sourcesContent: false } : {}),
    logLevel: 'error',
  };
}
