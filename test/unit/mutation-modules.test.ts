/**
 * The per-module bar of mutation testing (scripts/mutation-modules.ts), which CI runs after Stryker: the
 * score counts no-coverage mutants as survivors and leaves out the ones Stryker could not run, and the
 * script exits 1 below 80% for any module, below 85% over all, or over 5% of mutants marked equivalent.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_EQUIVALENT_SHARE, MODULE_BAR, scores, TOTAL_BAR } from '../../scripts/mutation-modules.ts';

const mutants = (counts: Record<string, number>) => Object.entries(counts).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status })));
const report = (files: Record<string, Record<string, number>>) => ({
  files: Object.fromEntries(Object.entries(files).map(([f, c]) => [f, { mutants: mutants(c) }])),
});

function run(files: Record<string, Record<string, number>>) {
  const dir = mkdtempSync(join(tmpdir(), 'ndx-mutation-'));
  const path = join(dir, 'mutation.json');
  writeFileSync(path, JSON.stringify(report(files)));
  const out = spawnSync(process.execPath, [join(import.meta.dirname, '../../scripts/mutation-modules.ts'), path], { encoding: 'utf8' });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe('the per-module bar of mutation testing', () => {
  it('holds each module to 80%, all to 85%, and marked equivalents to 5%', () => {
    expect([MODULE_BAR, TOTAL_BAR, MAX_EQUIVALENT_SHARE]).toEqual([80, 85, 0.05]);
  });

  it('scores killed and timed-out mutants over valid ones, no coverage counting as survived, errors and ignored left out', () => {
    const { modules, total } = scores(
      report({
        'b.ts': { Killed: 6, Timeout: 2, Survived: 1, NoCoverage: 1, CompileError: 3, RuntimeError: 1, Ignored: 2 },
        'a.ts': { Killed: 1 },
      }),
    );
    expect(modules.map((m) => m.file)).toEqual(['a.ts', 'b.ts']);
    expect(modules[1]).toEqual({ file: 'b.ts', mutants: 10, detected: 8, survived: 1, noCoverage: 1, ignored: 2, score: 80 });
    expect(total).toEqual({ file: 'all modules', mutants: 11, detected: 9, survived: 1, noCoverage: 1, ignored: 2, score: (100 * 9) / 11 });
    expect(scores(report({ 'e.ts': { Ignored: 1 } })).modules[0]?.score).toBe(100);
  });

  it('exits 0 at the bars and 1 below any of them, saying which', () => {
    const atBars = run({ 'a.ts': { Killed: 80, Survived: 20 }, 'b.ts': { Killed: 100 }, 'c.ts': { Killed: 90, NoCoverage: 10 } });
    expect(atBars.status).toBe(0);
    expect(atBars.stdout).toContain('| a.ts | 100 | 20 | 0 | 0 | 80.0% |');
    expect(atBars.stdout).toContain('| all modules | 300 | 20 | 10 | 0 | 90.0% |');
    const module = run({ 'a.ts': { Killed: 79, Survived: 21 }, 'b.ts': { Killed: 900 } });
    expect(module.status).toBe(1);
    expect(module.stderr).toBe('mutation: a.ts: 79.0% is below 80%\n');
    const total = run({ 'a.ts': { Killed: 84, NoCoverage: 16 } });
    expect(total.status).toBe(1);
    expect(total.stderr).toBe('mutation: all modules: 84.0% is below 85%\n');
    const marked = run({ 'a.ts': { Killed: 94, Ignored: 6 } });
    expect(marked.status).toBe(1);
    expect(marked.stderr).toBe('mutation: 6 mutants marked equivalent, more than 5% of 100\n');
    expect(run({ 'a.ts': { Killed: 95, Ignored: 5 } }).status).toBe(0);
  });
});
