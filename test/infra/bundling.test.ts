/** The one test that bundles for real: esbuild (local, no Docker) produces ESM handlers. */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineConfig } from '../../config/schema.ts';
import { handlerEntries } from '../../infra/constructs/environment.ts';
import { ESM_REQUIRE_BANNER, lambdaBuildOptions } from '../../infra/lambda-bundle.ts';
import * as esbuild from 'esbuild';
import { fromRoot } from '../../infra/paths.ts';
import { build } from './helpers.ts';

describe('bundling', () => {
  it('bundles every function (router, adapter, anchor, archive, rotation, redrive, indicators run and segment) as minified ESM with a createRequire banner, without a source map, byte for byte as lambdaBuildOptions does (the benchmark and `npm run stack-trace`)', async () => {
    const config = defineConfig({
      registries: [{ id: 'population', title: 'Population', operator: 'MPS', key: { partition: 'nationalId' } }],
      agencies: [{ id: 'hanoi-land-office', name: 'Hanoi Land Registration Office' }],
      environments: { dev: { region: 'ap-southeast-1' } },
    });
    const app = build(config, { bundle: true });
    const assembly = app.synth();
    const assets = readdirSync(assembly.directory).filter((d) => d.startsWith('asset.'));
    expect(assets).toHaveLength(8);
    const keys = ['router', 'adapter', 'anchor', 'archive', 'rotation', 'redrive', 'indicatorRun', 'indicatorSegment'] as const;
    const rebuilt = await Promise.all(
      keys.map(async (k) => (await esbuild.build({ ...lambdaBuildOptions(fromRoot(handlerEntries[k])), write: false })).outputFiles[0]!.text),
    );
    const deployed: string[] = [];
    for (const dir of assets) {
      const file = path.join(assembly.directory, dir, 'index.mjs');
      expect(existsSync(file), dir).toBe(true);
      // No source map shipped or named: Node would read it only with --enable-source-maps, which the functions do not
      // use (infra/lambda-bundle.ts); `npm run stack-trace` rebuilds it.
      expect(readdirSync(path.join(assembly.directory, dir)), dir).toEqual(['index.mjs']);
      const code = readFileSync(file, 'utf8');
      expect(code).not.toContain('sourceMappingURL');
      deployed.push(code);
      expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
      expect(code).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{[^}]*\bhandler\b[^}]*\}/);
      const lines = code.split('\n');
      expect(code.length / lines.length).toBeGreaterThan(1000); // minified: long lines
      // Budget (see bench/): a function bundle stays under 300 KB minified; the AWS SDK comes from the runtime.
      expect(Buffer.byteLength(code), dir).toBeLessThan(300 * 1024);
      // The AWS SDK is imported from the runtime, never bundled.
      expect(code).not.toMatch(/from\s*"@aws-sdk\/[a-z-]+\/dist/);
      expect(code).toMatch(/from\s*"@aws-sdk\/client-(dynamodb|s3|secrets-manager|sqs)"/);
    }
    // What the CDK deployed is exactly what lambdaBuildOptions makes, function by function.
    expect(deployed.sort()).toEqual([...rebuilt].sort());
  }, 90_000);
});

/** A function's bundle in memory, as NdxFunction makes it (infra/lambda-bundle.ts: ESM for Node 24, UTF-8, minified, the AWS SDK from the runtime). */
function bundle(entry: string, options: { minify?: boolean } = {}) {
  return esbuild.build({ ...lambdaBuildOptions(fromRoot(entry)), minify: options.minify ?? true, write: false, metafile: true, logLevel: 'silent' });
}

/**
 * The files a function's bundle reaches (its metafile's inputs), the AWS SDK left out as NdxFunction does;
 * `withCode`: only those that put code in it (esbuild leaves out what nothing uses, e.g. a class no one constructs).
 */
async function bundledInputs(entry: string, withCode = false): Promise<string[]> {
  const result = await bundle(entry, { minify: false });
  if (!withCode) return Object.keys(result.metafile.inputs);
  return Object.values(result.metafile.outputs).flatMap((o) =>
    Object.entries(o.inputs)
      .filter(([, i]) => i.bytesInOutput > 0)
      .map(([file]) => file),
  );
}

describe('what a Lambda bundle holds', () => {
  const entries = readdirSync(fromRoot('functions'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(fromRoot(`functions/${d.name}/handler.ts`)))
    .map((d) => `functions/${d.name}/handler.ts`);

  it.each(entries)('%s bundles no synthetic data, CLI, local engine or infra code (esbuild metafile)', async (entry) => {
    const inputs = (await bundledInputs(entry)).filter((i) => !i.startsWith('node_modules/'));
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs.filter((i) => /^(synthetic|cli|local|infra|bench|scripts|test)\//.test(i))).toEqual([]);
    expect(inputs).toContain(entry);
  });

  it.each([
    ['functions/indicator-run/handler.ts', 160],
    ['functions/indicator-segment/handler.ts', 160],
  ])('%s: under %i KB minified, with none of the lookup, HTTP or console code', async (entry, kb) => {
    const result = await bundle(entry);
    expect(result.outputFiles[0]!.contents.byteLength).toBeLessThan(kb * 1024);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => /^(domain\/(lookup|console|consent)|console|registries)\//.test(i))).toEqual([]);
    expect(inputs).toContain('domain/indicators/run.ts');
  });

  // The HTTP front doors answer people and agency systems over API Gateway: bigger than the queue functions
  // (the OpenAPI document, the directory; the console's pages, translations and OIDC client), still budgeted.
  it.each([
    ['functions/api/handler.ts', 400],
    ['functions/console/handler.ts', 500],
  ])('%s: under %i KB minified (as NdxFunction bundles it: UTF-8, the AWS SDK from the runtime)', async (entry, kb) => {
    const result = await bundle(entry);
    const bytes = result.outputFiles[0]!.contents.byteLength;
    expect(bytes).toBeGreaterThan(50 * 1024); // it bundled the front door, not an empty module
    expect(bytes).toBeLessThan(kb * 1024);
  });

  it.each(['functions/router/handler.ts', 'functions/adapter/handler.ts', 'functions/api/handler.ts'])(
    '%s, which answers lookups, bundles the contract registry for reading only and the audit trail for appending only',
    async (entry) => {
      const inputs = await bundledInputs(entry, true);
      expect(inputs).toContain('aws/audit-log.ts');
      // The lifecycle workflow (ContractRegistry's writes) and the trail's readers (AuditLog's: the citizen's view,
      // archived records) are left out.
      for (const reader of ['aws/contract-registry.ts', 'domain/contracts/lifecycle-service.ts', 'domain/audit/citizen-view.ts', 'domain/audit/archive.ts'])
        expect(inputs).not.toContain(reader);
    },
  );

  it('the benchmark’s libraries baseline (bench/libraries-handler.ts) holds every package the router and the adapter hold, and none of ndx’s code', async () => {
    // The innermost package a file is in (node_modules may be reached through a link: ../x/node_modules/...).
    const packageOf = (file: string) => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*\/node_modules\/)/.exec(file)?.[1];
    const packages = async (entry: string) => new Set((await bundledInputs(entry, true)).map(packageOf).filter((p) => p !== undefined));
    const libraries = await bundledInputs('bench/libraries-handler.ts', true);
    expect(libraries.filter((file) => packageOf(file) === undefined)).toEqual(['bench/libraries-handler.ts']);
    const held = new Set(libraries.map(packageOf));
    for (const entry of ['functions/router/handler.ts', 'functions/adapter/handler.ts']) {
      const used = await packages(entry);
      expect(used.size, entry).toBeGreaterThan(3); // zod, Powertools, middy...
      expect(
        [...used].filter((p) => !held.has(p)),
        entry,
      ).toEqual([]);
    }
  });

  it('finds every handler', () => {
    expect(entries).toEqual(expect.arrayContaining(['functions/router/handler.ts', 'functions/adapter/handler.ts']));
  });
});
