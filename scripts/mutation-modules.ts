/**
 * The per-module bar of mutation testing (README, "Testing"): Stryker's break threshold holds the score
 * over all domain modules; this holds each module to at least 80%, and the mutants marked equivalent
 * (`// Stryker disable`) to at most 5% of all mutants. Reads the JSON report of the last `npm run mutation`.
 *
 *   node scripts/mutation-modules.ts [report.json]      prints the table; exits 1 below a bar
 *
 * The score counts killed and timed-out mutants over all valid ones: a mutant no test reaches counts as
 * a survivor, as in Stryker's own score. Mutants Stryker cannot compile or run are left out.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const MODULE_BAR = 80;
export const TOTAL_BAR = 85;
export const MAX_EQUIVALENT_SHARE = 0.05;

interface Report {
  files: Record<string, { mutants: Array<{ status: string; statusReason?: string }> }>;
}

export interface ModuleScore {
  file: string;
  mutants: number;
  detected: number;
  survived: number;
  noCoverage: number;
  ignored: number;
  score: number;
}

const DETECTED = new Set(['Killed', 'Timeout']);
const INVALID = new Set(['CompileError', 'RuntimeError', 'Ignored']);

export function scores(report: Report): { modules: ModuleScore[]; total: ModuleScore } {
  const modules = Object.entries(report.files)
    .map(([file, { mutants }]) => {
      const valid = mutants.filter((m) => !INVALID.has(m.status));
      const detected = valid.filter((m) => DETECTED.has(m.status)).length;
      return {
        file,
        mutants: valid.length,
        detected,
        survived: valid.filter((m) => m.status === 'Survived').length,
        noCoverage: valid.filter((m) => m.status === 'NoCoverage').length,
        ignored: mutants.filter((m) => m.status === 'Ignored').length,
        score: valid.length ? (100 * detected) / valid.length : 100,
      };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
  const sum = (k: 'mutants' | 'detected' | 'survived' | 'noCoverage' | 'ignored') => modules.reduce((n, m) => n + m[k], 0);
  const total = {
    file: 'all modules',
    mutants: sum('mutants'),
    detected: sum('detected'),
    survived: sum('survived'),
    noCoverage: sum('noCoverage'),
    ignored: sum('ignored'),
    score: 0,
  };
  total.score = total.mutants ? (100 * total.detected) / total.mutants : 100;
  return { modules, total };
}

function main(path: string): number {
  const report = JSON.parse(readFileSync(path, 'utf8')) as Report;
  const { modules, total } = scores(report);
  const row = (m: ModuleScore) => `| ${m.file} | ${m.mutants} | ${m.survived} | ${m.noCoverage} | ${m.ignored} | ${m.score.toFixed(1)}% |`;
  console.log('| module | mutants | survived | no coverage | marked equivalent | score |\n| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const m of modules) console.log(row(m));
  console.log(row(total));
  const failures = [
    ...modules.filter((m) => m.score < MODULE_BAR).map((m) => `${m.file}: ${m.score.toFixed(1)}% is below ${MODULE_BAR}%`),
    ...(total.score < TOTAL_BAR ? [`all modules: ${total.score.toFixed(1)}% is below ${TOTAL_BAR}%`] : []),
    ...(total.ignored > MAX_EQUIVALENT_SHARE * (total.mutants + total.ignored)
      ? [`${total.ignored} mutants marked equivalent, more than ${MAX_EQUIVALENT_SHARE * 100}% of ${total.mutants + total.ignored}`]
      : []),
  ];
  for (const f of failures) console.error(`mutation: ${f}`);
  return failures.length ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv[2] ?? 'reports/mutation/mutation.json');
}
