/** Latency summaries and a small SVG chart of latency distributions. Pure. */

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  // i is within the array (length > 0), so the fallback is never taken.
  return sorted[i] ?? Number.NaN;
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    count: s.length,
    mean: r(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)),
    p50: r(quantile(s, 0.5)),
    p95: r(quantile(s, 0.95)),
    p99: r(quantile(s, 0.99)),
    max: r(s.at(-1) ?? Number.NaN),
  };
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

/** Cumulative distributions of latency, one line per run, log-scaled x axis, as an SVG document. */
export function latencyChart(runs: ReadonlyArray<{ name: string; concurrency: number; samples: readonly number[] }>): string {
  const W = 720;
  const H = 400;
  const m = { l: 60, r: 20, t: 40, b: 50 };
  const all = runs.flatMap((r) => r.samples).filter((x) => x > 0);
  const lo = Math.log10(Math.max(0.1, Math.min(...all)));
  const hi = Math.log10(Math.max(...all) * 1.05);
  const x = (ms: number) => m.l + ((Math.log10(Math.max(ms, 0.1)) - lo) / (hi - lo)) * (W - m.l - m.r);
  const y = (p: number) => H - m.b - p * (H - m.t - m.b);
  const paths = runs.map((r, k) => {
    const s = [...r.samples].sort((a, b) => a - b);
    const d = s.map((v, i) => `${i ? 'L' : 'M'}${x(v).toFixed(1)},${y((i + 1) / s.length).toFixed(1)}`).join('');
    return (
      `<path d="${d}" fill="none" stroke="${COLORS[k % COLORS.length]}" stroke-width="2"/>` +
      `<text x="${W - m.r - 200}" y="${m.t + 20 + k * 18}" fill="${COLORS[k % COLORS.length]}" font-size="13">${r.name} (×${r.concurrency})</text>`
    );
  });
  const ticks: string[] = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
    for (const f of [1, 2, 5]) {
      const v = f * 10 ** e;
      if (Math.log10(v) < lo || Math.log10(v) > hi) continue;
      ticks.push(
        `<line x1="${x(v)}" x2="${x(v)}" y1="${m.t}" y2="${H - m.b}" stroke="#eee"/><text x="${x(v)}" y="${H - m.b + 16}" font-size="11" text-anchor="middle">${v}</text>`,
      );
    }
  }
  const yTicks = [0, 0.5, 0.9, 0.99, 1].map(
    (p) =>
      `<text x="${m.l - 8}" y="${y(p) + 4}" font-size="11" text-anchor="end">${p}</text><line x1="${m.l}" x2="${W - m.r}" y1="${y(p)}" y2="${y(p)}" stroke="#eee"/>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${m.l}" y="24" font-size="15">Lookup latency, cumulative distribution (ms, log scale)</text>
${ticks.join('\n')}
${yTicks.join('\n')}
<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" stroke="#333"/><line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="#333"/>
<text x="${(W + m.l) / 2}" y="${H - 12}" font-size="12" text-anchor="middle">latency (ms)</text>
${paths.join('\n')}
</svg>
`;
}
