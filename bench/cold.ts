/**
 * `npm run bench:cold [-- --times N]`: the Lambda bundles' sizes and cold imports only (the part of
 * `npm run bench` that needs no engine), in seconds rather than minutes. Same bundles and the same
 * measurement as the full benchmark (bench/lambda-cost.ts: wall time, and the CPU time the import took, which
 * other processes' load moves less), beside the way the functions were deployed
 * before (each bundle's source map loaded with `--enable-source-maps`), to show what that costs; then
 * where the time goes (SDK, compiling and linking the bundle, running its top level), which moves less
 * with the machine's load than the totals, and the ratio to the minimal handler by parts (one SDK figure
 * for all, plus each bundle's compile and run), and to the libraries' handler (bench/libraries-handler.ts: the
 * libraries the functions stand on, without ndx's code), by parts too.
 */
import { fileURLToPath } from 'node:url';
import { LAMBDA_NODE_OPTIONS } from '../infra/lambda-bundle.ts';
import { type Bundle, bundleSizes, coldImports, importPhases } from './lambda-cost.ts';

const at = process.argv.indexOf('--times');
const times = at > 0 ? Number(process.argv[at + 1]) : 11;
const root = fileURLToPath(new URL('..', import.meta.url));
const deployed = await bundleSizes(root);
const variants: Record<string, { bundles: Bundle[]; nodeOptions: readonly string[] }> = {
  'as deployed': { bundles: deployed, nodeOptions: LAMBDA_NODE_OPTIONS },
  'with source maps': { bundles: await bundleSizes(root, { sourceMap: 'linked' }), nodeOptions: ['--enable-source-maps'] },
};
// The two ways take turns, one sample of each bundle at a time, so drift in the machine's load moves both alike.
const samples = new Map<string, { wall: number[]; cpu: number[] }>();
for (let i = 0; i < times; i++) {
  for (const [variant, { bundles, nodeOptions }] of Object.entries(variants)) {
    for (const c of await coldImports(bundles, 1, nodeOptions)) {
      const s = samples.get(`${variant}|${c.name}`) ?? { wall: [], cpu: [] };
      s.wall.push(c.medianMs);
      s.cpu.push(c.medianCpuMs);
      samples.set(`${variant}|${c.name}`, s);
    }
  }
}
const median = (list: readonly number[] = []) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? Number.NaN;
const columns = Object.keys(variants).flatMap((v) => [`${v}, wall`, `${v}, CPU`]);
console.log(`${'bundle'.padEnd(16)} ${'size'.padStart(10)}${columns.map((c) => c.padStart(26)).join('')}`);
for (const b of deployed) {
  const cells = Object.keys(variants).flatMap((v) =>
    (['wall', 'cpu'] as const).map((k) => {
      const ms = median(samples.get(`${v}|${b.name}`)?.[k]);
      const ratio = ms / median(samples.get(`${v}|minimal-handler`)?.[k]);
      return `${ms.toFixed(1)} ms ×${ratio.toFixed(2)}`.padStart(26);
    }),
  );
  console.log(`${b.name.padEnd(16)} ${(b.bytes / 1024).toFixed(1).padStart(7)} KB${cells.join('')}`);
}

console.log(
  `\nwhere the time goes (medians, ms)      ${'SDK'.padStart(6)} ${'compile+link'.padStart(13)} ${'run'.padStart(6)} ${'by parts'.padStart(9)} ${'× libraries'.padStart(12)}`,
);
for (const [variant, { bundles, nodeOptions }] of Object.entries(variants)) {
  const phases = await importPhases(bundles, times, nodeOptions);
  // The SDK is the same work for every bundle: one figure for all (the median of theirs), so that the ratio by parts
  // compares only what differs, the bundle's compile and run, and moves less with the load than the whole import.
  const sdk = median(phases.map((p) => p.sdkMs));
  const minimal = phases.find((p) => p.name === 'minimal-handler');
  // And against the libraries' handler (bench/libraries-handler.ts), by parts too: what ndx's own code adds.
  const libraries = phases.find((p) => p.name === 'libraries');
  for (const p of phases) {
    const ratio = minimal ? (sdk + p.compileMs + p.runMs) / (sdk + minimal.compileMs + minimal.runMs) : Number.NaN;
    const toLibraries = libraries ? (sdk + p.compileMs + p.runMs) / (sdk + libraries.compileMs + libraries.runMs) : Number.NaN;
    console.log(
      `${`${p.name}, ${variant}`.padEnd(38)} ${p.sdkMs.toFixed(1).padStart(6)} ${p.compileMs.toFixed(1).padStart(13)} ${p.runMs.toFixed(1).padStart(6)} ${`×${ratio.toFixed(2)}`.padStart(9)} ${`×${toLibraries.toFixed(2)}`.padStart(12)}`,
    );
  }
}
