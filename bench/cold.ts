/**
 * `node bench/cold.ts [--times N]`: the Lambda bundles' sizes and cold imports only (the part of
 * `npm run bench` that needs no engine), in seconds rather than minutes. Same bundles and the same
 * measurement as the full benchmark (bench/lambda-cost.ts).
 */
import { fileURLToPath } from 'node:url';
import { bundleSizes, coldImports } from './lambda-cost.ts';

const at = process.argv.indexOf('--times');
const times = at > 0 ? Number(process.argv[at + 1]) : 11;
const bundles = await bundleSizes(fileURLToPath(new URL('..', import.meta.url)));
const cold = await coldImports(bundles, times);
for (const b of bundles) {
  const c = cold.find((x) => x.name === b.name);
  console.log(`${b.name.padEnd(16)} ${(b.bytes / 1024).toFixed(1).padStart(7)} KB  ${String(c?.medianMs).padStart(7)} ms  ×${c?.ratioToMinimal}`);
}
