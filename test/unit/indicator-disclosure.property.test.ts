/**
 * Disclosure control against an attacker who knows every published cell and total and tries to
 * recover a withheld cell: by differencing one row or column (a line with one withheld cell left,
 * repeated as cells are recovered), and by any linear combination of rows and columns (the cell is
 * recoverable exactly when its unit vector lies in the span of the line equations; tested by ranks,
 * computed independently of the domain's graph argument). Both attacks must fail on every generated
 * table; a control shows each attack does recover cells that primary suppression alone leaves open.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfStatus } from '../../contracts/indicators/model.ts';
import { primary, protect, secondary, withMargins } from '../../domain/indicators/disclosure.ts';

type Published = (number | null)[][];

/** Every line of the (R+1)×(C+1) table as (cells, sign): interior cells +1, the line's own total −1. */
function lines(rows: number, cols: number): Array<Array<{ i: number; j: number; sign: number }>> {
  const out: Array<Array<{ i: number; j: number; sign: number }>> = [];
  for (let i = 0; i < rows; i++) out.push([...Array(cols).keys()].map((j) => ({ i, j, sign: j === cols - 1 ? -1 : 1 })));
  for (let j = 0; j < cols; j++) out.push([...Array(rows).keys()].map((i) => ({ i, j, sign: i === rows - 1 ? -1 : 1 })));
  return out;
}

/** Attack 1: peel lines with exactly one unknown left, until nothing moves. Returns the cells recovered. */
function differencing(published: Published): Array<[number, number]> {
  const known = published.map((r) => r.map((v) => v));
  const rows = known.length;
  const cols = known[0]?.length ?? 0;
  const recovered: Array<[number, number]> = [];
  for (let moved = true; moved; ) {
    moved = false;
    for (const line of lines(rows, cols)) {
      const unknown = line.filter((c) => known[c.i]?.[c.j] === null);
      if (unknown.length !== 1) continue;
      const [u] = unknown as [{ i: number; j: number; sign: number }];
      const rest = line.filter((c) => c !== u).reduce((a, c) => a + c.sign * (known[c.i]?.[c.j] as number), 0);
      (known[u.i] as (number | null)[])[u.j] = -rest * u.sign;
      recovered.push([u.i, u.j]);
      moved = true;
    }
  }
  return recovered;
}

const P = 1_000_000_007n;
function rank(matrix: bigint[][]): number {
  const m = matrix.map((r) => r.map((v) => ((v % P) + P) % P));
  let r = 0;
  const cols = m[0]?.length ?? 0;
  for (let c = 0; c < cols && r < m.length; c++) {
    const pivot = m.findIndex((row, k) => k >= r && row[c] !== 0n);
    if (pivot === -1) continue;
    [m[r], m[pivot]] = [m[pivot] as bigint[], m[r] as bigint[]];
    const pr = m[r] as bigint[];
    const inv = modPow(pr[c] as bigint, P - 2n);
    for (let k = 0; k < m.length; k++) {
      if (k === r) continue;
      const row = m[k] as bigint[];
      const f = ((row[c] as bigint) * inv) % P;
      if (f === 0n) continue;
      for (let x = 0; x < cols; x++) row[x] = ((((row[x] as bigint) - f * (pr[x] as bigint)) % P) + P) % P;
    }
    r++;
  }
  return r;
}
function modPow(b: bigint, e: bigint): bigint {
  let r = 1n;
  let x = b % P;
  for (let k = e; k > 0n; k >>= 1n) {
    if (k & 1n) r = (r * x) % P;
    x = (x * x) % P;
  }
  return r;
}

/**
 * Attack 2: the withheld cells a linear combination of line equations isolates. Unknowns are the
 * withheld cells; a cell is determined iff removing its column lowers the rank of the system.
 * (The line matrix is totally unimodular, so ranks mod a large prime are ranks over the rationals.)
 */
function linear(published: Published): Array<[number, number]> {
  const rows = published.length;
  const cols = published[0]?.length ?? 0;
  const unknowns: Array<[number, number]> = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (published[i]?.[j] === null) unknowns.push([i, j]);
  const index = new Map(unknowns.map(([i, j], k) => [`${i},${j}`, k]));
  const matrix = lines(rows, cols).map((line) => {
    const row = new Array<bigint>(unknowns.length).fill(0n);
    for (const c of line) {
      const k = index.get(`${c.i},${c.j}`);
      if (k !== undefined) row[k] = BigInt(c.sign);
    }
    return row;
  });
  const full = rank(matrix);
  return unknowns.filter((_, k) => rank(matrix.map((r) => r.filter((__, x) => x !== k))) < full);
}

const small = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 6 }) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 60 }) });
const table = fc
  .record({ rows: fc.integer({ min: 1, max: 5 }), cols: fc.integer({ min: 1, max: 6 }) })
  .chain(({ rows, cols }) => fc.array(fc.array(small, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows }));
const threshold = fc.integer({ min: 2, max: 6 });

describe('disclosure control against an attacker holding every published cell and total', () => {
  it('no withheld cell is recovered by differencing rows and columns, repeatedly', () => {
    fc.assert(
      fc.property(table, threshold, (cells, t) => {
        const { values } = protect(cells, { threshold: t });
        expect(differencing(values)).toEqual([]);
      }),
      { numRuns: Number(process.env.NDX_PROPERTY_RUNS ?? 400) },
    );
  });

  it('no withheld cell is isolated by any linear combination of row and column equations', () => {
    fc.assert(
      fc.property(table, threshold, (cells, t) => {
        const { values } = protect(cells, { threshold: t });
        expect(linear(values)).toEqual([]);
      }),
      { numRuns: Number(process.env.NDX_PROPERTY_RUNS ?? 400) },
    );
  });

  it('publishes true values only, withholds every small count, and gives no withheld cell a number', () => {
    fc.assert(
      fc.property(table, threshold, (cells, t) => {
        const full = withMargins(cells);
        const { values, status } = protect(cells, { threshold: t });
        for (const [i, row] of full.entries())
          for (const [j, v] of row.entries()) {
            const s = status[i]?.[j] as ConfStatus;
            if (v > 0 && v < t) expect(s).toBe('A');
            if (s === 'F') expect(values[i]?.[j]).toBe(v);
            else expect(values[i]?.[j]).toBeNull();
          }
      }),
      { numRuns: Number(process.env.NDX_PROPERTY_RUNS ?? 300) },
    );
  });

  it('withholds nothing when every count is zero or at least the threshold', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 5 })
          .chain((cols) =>
            fc.array(fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 5, max: 99 })), { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 5 }),
          ),
        (cells) => {
          expect(
            protect(cells, { threshold: 5 })
              .status.flat()
              .every((s) => s === 'F'),
          ).toBe(true);
        },
      ),
      { numRuns: Number(process.env.NDX_PROPERTY_RUNS ?? 100) },
    );
  });

  it('control: after primary suppression alone, both attacks recover cells', () => {
    const cells = [
      [2, 10, 12],
      [9, 11, 13],
    ];
    const full = withMargins(cells);
    const status = primary(full, { threshold: 5 });
    const published = full.map((row, i) => row.map((v, j) => (status[i]?.[j] === 'F' ? v : null)));
    expect(differencing(published)).toContainEqual([0, 0]);
    expect(linear(published)).toContainEqual([0, 0]);
    // With secondary suppression, the same table keeps the cell withheld.
    expect(protect(cells, { threshold: 5 }).values[0]?.[0]).toBeNull();
    expect(linear(protect(cells, { threshold: 5 }).values)).toEqual([]);
  });

  it('control: where every line holds two withheld cells, differencing fails but a linear combination still isolates a cell', () => {
    // Two 4-cycles of withheld cells joined by (0,2): rows 0+1 minus columns 0+1 leave (0,2) alone.
    const cells = [
      [7, 8, 9, 10],
      [11, 12, 13, 14],
      [15, 16, 17, 18],
      [19, 20, 21, 22],
    ];
    const withheld = new Set(['0,0', '0,1', '1,0', '1,1', '2,2', '2,3', '3,2', '3,3', '0,2']);
    const published = withMargins(cells).map((row, i) => row.map((v, j) => (withheld.has(`${i},${j}`) ? null : v)));
    expect(differencing(published)).toEqual([]);
    expect(linear(published)).toEqual([[0, 2]]);
    // protect() would never publish this pattern: given the same cells as primary, its result resists both.
    const status = withMargins(cells).map((row, i) => row.map((_, j): ConfStatus => (withheld.has(`${i},${j}`) ? 'A' : 'F')));
    const protectedValues = withMargins(cells).map((row, i) => row.map((v, j) => (secondaryOf(status)[i]?.[j] === 'F' ? v : null)));
    expect(linear(protectedValues)).toEqual([]);
    function secondaryOf(s: ConfStatus[][]) {
      return secondary(withMargins(cells), s);
    }
  });
});
