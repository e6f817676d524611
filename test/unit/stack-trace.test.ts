/** `npm run stack-trace`: a trace from a function's logs, decoded with the map of the bundle as deployed. */
import { readFileSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { lambdaBuildOptions } from '../../infra/lambda-bundle.ts';
import { fromRoot } from '../../infra/paths.ts';
import { decodeTrace, entryOf, rebuild } from '../../scripts/stack-trace.ts';

describe('stack-trace', () => {
  it('finds a function’s handler by its deployed name, its key or its path', () => {
    expect(entryOf('ndx-router')).toBe('functions/router/handler.ts');
    expect(entryOf('ndx-adapter-population')).toBe('functions/adapter/handler.ts');
    expect(entryOf('ndx-indicators-land')).toBe('functions/indicator-run/handler.ts');
    expect(entryOf('ndx-indicators-land-segment')).toBe('functions/indicator-segment/handler.ts');
    expect(entryOf('ndx-audit-archive')).toBe('functions/archive/handler.ts');
    expect(entryOf('ndx-forwarding-key-rotation')).toBe('functions/rotation/handler.ts');
    expect(entryOf('indicatorRun')).toBe('functions/indicator-run/handler.ts');
    expect(entryOf('functions/api/handler.ts')).toBe('functions/api/handler.ts');
    expect(entryOf('router2')).toBeUndefined();
  });

  it('rewrites positions in the deployed bundle into the TypeScript line they came from', async () => {
    const entry = 'functions/router/handler.ts';
    const { code, map } = await rebuild(entry);
    // The same code as the deployed bundle (which test/infra/bundling.test.ts compares with the CDK's asset).
    expect(code).toBe((await esbuild.build({ ...lambdaBuildOptions(fromRoot(entry)), write: false })).outputFiles[0]!.text);

    // Where the bundle throws `not semver: ...`, and where the source does.
    const needle = 'not semver: ';
    const lines = code.split('\n');
    const line = lines.findIndex((l) => l.includes(needle)) + 1;
    const column = lines[line - 1]!.indexOf(needle) + 1;
    expect(line).toBeGreaterThan(0);
    const sourceLines = readFileSync(fromRoot('contracts/model.ts'), 'utf8').split('\n');
    const sourceLine = sourceLines.findIndex((l) => l.includes(needle)) + 1;
    expect(sourceLine).toBeGreaterThan(0);

    const trace = [
      'Error: not semver: x / y',
      `    at a (file:///var/task/index.mjs:${line}:${column})`,
      `    at /var/task/index.mjs:${line}:${column}`,
      '    at async Promise.all (index 0)',
      '    at other (file:///opt/layer.mjs:1:1)',
    ].join('\n');
    const decoded = decodeTrace(trace, map).split('\n');
    expect(decoded[1]).toMatch(new RegExp(`^    at a \\(contracts/model\\.ts:${sourceLine}:\\d+\\)$`));
    expect(decoded[2]).toMatch(new RegExp(`^    at contracts/model\\.ts:${sourceLine}:\\d+$`));
    // Lines that are not positions in the bundle stay as they were.
    expect([decoded[0], decoded[3], decoded[4]]).toEqual([trace.split('\n')[0], trace.split('\n')[3], trace.split('\n')[4]]);
  }, 30_000);
});
