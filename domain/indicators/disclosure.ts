/**
 * Statistical disclosure control of a two-way table of counts published with its margins (row totals,
 * column totals, grand total). Pure.
 *
 * Primary suppression: a cell (margins included) counting more than zero and fewer than the
 * threshold is withheld (CONF_STATUS A); with the (n, k) dominance rule, for magnitude tables, a cell
 * where its n largest contributors make more than k of its value is withheld too (O for n = 1, T for
 * n = 2).
 *
 * Secondary suppression, so that no withheld cell can be recomputed from what is published: the
 * published values fix, for every row and column (the total row and column included), the sum of its
 * withheld cells. Write a margin cell with the opposite sign and every row and every column sums to
 * zero; the withheld cells are then the edges of a bipartite graph between row nodes and column nodes
 * (the total row and column are nodes too), and the published values give one linear equation per
 * node. A withheld cell is determined by those equations — by differencing one row, or by any linear
 * combination of rows and columns — exactly when its edge is a bridge of that graph (an edge on a
 * cycle can move by +t, −t alternately around the cycle without changing any equation; a bridge
 * cannot, since summing the equations of one side of it, rows minus columns, leaves the bridge
 * alone). So: while some withheld cell is a bridge, withhold in addition the cheapest path of cells
 * that closes a cycle through it (Dijkstra over the complete bipartite graph; withheld cells cost
 * nothing, others their count plus one, margins far more, the grand total most, so totals stay
 * published where the table allows). Adding edges never makes a bridge, so each round removes one.
 *
 * Limits (README: Indicators): the guarantee is that no withheld cell has a single value consistent
 * with the published ones. It does not guarantee a width of the interval the non-negativity of counts
 * leaves (a withheld cell paired with a withheld 0 is bounded by the other's range), and it holds for
 * the margins of the two-way table only: a table of three or more dimensions is published as rows (the
 * first dimension) by columns (every combination of the others), with exactly those margins.
 */
import type { ConfStatus, DisclosureControl } from '../../contracts/indicators/model.ts';

/** A table's cells and their protection: values and statuses of the (R+1) × (C+1) table, margins last. */
export interface Protected {
  /** `values[i][j]`: the count, or null when withheld; row R and column C are the totals. */
  values: (number | null)[][];
  status: ConfStatus[][];
}

/** Largest contributions to each interior cell (magnitude tables, for the dominance rule). */
export type Contributions = ReadonlyArray<ReadonlyArray<readonly number[]>>;

/** The (R+1) × (C+1) table: the cells with their row totals, column totals and grand total. */
export function withMargins(cells: readonly (readonly number[])[]): number[][] {
  const rows = cells.length;
  const cols = cells[0]?.length ?? 0;
  const out = cells.map((r) => {
    if (r.length !== cols) throw new Error('a table has rows of one length');
    return [...r, r.reduce((a, b) => a + b, 0)];
  });
  const total = Array.from({ length: cols + 1 }, (_, j) => out.reduce((a, r) => a + (r[j] ?? 0), 0));
  return [...out.slice(0, rows), total];
}

function dominated(top: readonly number[], value: number, rule: NonNullable<DisclosureControl['dominance']>): boolean {
  if (value <= 0) return false;
  const largest = [...top].sort((a, b) => b - a).slice(0, rule.n);
  return largest.reduce((a, b) => a + b, 0) > rule.k * value;
}

/** Primary suppression of every cell of the table with margins. */
export function primary(table: readonly (readonly number[])[], rule: DisclosureControl, contributions?: Contributions): ConfStatus[][] {
  const R = table.length - 1;
  const C = (table[0]?.length ?? 1) - 1;
  // A margin's largest contributors are the largest of its cells' (each unit counts in one cell of a row or column).
  const topOf = (i: number, j: number): number[] => {
    if (!contributions) return [];
    const rows = i === R ? [...Array(R).keys()] : [i];
    const cols = j === C ? [...Array(C).keys()] : [j];
    return rows.flatMap((r) => cols.flatMap((c) => [...(contributions[r]?.[c] ?? [])]));
  };
  return table.map((row, i) =>
    row.map((v, j): ConfStatus => {
      if (v > 0 && v < rule.threshold) return 'A';
      if (rule.dominance && contributions && dominated(topOf(i, j), v, rule.dominance)) return rule.dominance.n === 1 ? 'O' : 'T';
      return 'F';
    }),
  );
}

/** Whether each withheld cell is a bridge of the bipartite graph of withheld cells (rows 0..R, columns R+1..R+C+1). */
export function bridges(status: readonly (readonly ConfStatus[])[]): Array<[number, number]> {
  const rows = status.length;
  const cols = status[0]?.length ?? 0;
  const n = rows + cols;
  const adj: Array<Array<{ to: number; edge: number }>> = Array.from({ length: n }, () => []);
  const edges: Array<[number, number]> = [];
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++)
      if (status[i]?.[j] !== 'F') {
        const e = edges.length;
        edges.push([i, j]);
        adj[i]?.push({ to: rows + j, edge: e });
        adj[rows + j]?.push({ to: i, edge: e });
      }
  const disc = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const found: Array<[number, number]> = [];
  let time = 0;
  // Iterative Tarjan: a tree edge (u, v) is a bridge when low[v] > disc[u].
  for (let s = 0; s < n; s++) {
    if (disc[s] !== -1) continue;
    const stack: Array<{ node: number; via: number; next: number }> = [{ node: s, via: -1, next: 0 }];
    disc[s] = low[s] = time++;
    while (stack.length) {
      const top = stack[stack.length - 1] as { node: number; via: number; next: number };
      const list = adj[top.node] ?? [];
      if (top.next < list.length) {
        const { to, edge } = list[top.next++] as { to: number; edge: number };
        if (edge === top.via) continue;
        if (disc[to] === -1) {
          disc[to] = low[to] = time++;
          stack.push({ node: to, via: edge, next: 0 });
        } else low[top.node] = Math.min(low[top.node] as number, disc[to] as number);
      } else {
        stack.pop();
        const parent = stack[stack.length - 1];
        if (parent) {
          low[parent.node] = Math.min(low[parent.node] as number, low[top.node] as number);
          if ((low[top.node] as number) > (disc[parent.node] as number)) found.push(edges[top.via] as [number, number]);
        }
      }
    }
  }
  return found;
}

/** What withholding a cell costs: its count plus one inside the table, far more for margins, most for the grand total. */
function cost(table: readonly (readonly number[])[], i: number, j: number): number {
  const R = table.length - 1;
  const C = (table[0]?.length ?? 1) - 1;
  const grand = table[R]?.[C] ?? 0;
  const v = (table[i]?.[j] ?? 0) + 1;
  if (i === R && j === C) return v + 1e6 * (grand + 1);
  if (i === R || j === C) return v + 1e3 * (grand + 1);
  return v;
}

/** The cheapest path of cells from row `from` to column `to` not using cell (from, to); withheld cells cost nothing. */
function cheapestPath(table: readonly (readonly number[])[], status: readonly (readonly ConfStatus[])[], from: number, to: number): Array<[number, number]> {
  const rows = table.length;
  const cols = table[0]?.length ?? 0;
  const n = rows + cols;
  const dist = new Array<number>(n).fill(Number.POSITIVE_INFINITY);
  const prev = new Array<number>(n).fill(-1);
  const done = new Array<boolean>(n).fill(false);
  dist[from] = 0;
  const weight = (i: number, j: number) => (status[i]?.[j] !== 'F' ? 0 : cost(table, i, j));
  for (;;) {
    let u = -1;
    for (let k = 0; k < n; k++) if (!done[k] && (u === -1 || (dist[k] as number) < (dist[u] as number))) u = k;
    if (u === -1 || dist[u] === Number.POSITIVE_INFINITY) break;
    done[u] = true;
    if (u === rows + to) break;
    const neighbours = u < rows ? [...Array(cols).keys()].map((j) => rows + j) : [...Array(rows).keys()];
    for (const v of neighbours) {
      const [i, j] = u < rows ? [u, v - rows] : [v, u - rows];
      if (i === from && j === to) continue;
      const d = (dist[u] as number) + weight(i, j);
      if (d < (dist[v] as number)) {
        dist[v] = d;
        prev[v] = u;
      }
    }
  }
  const path: Array<[number, number]> = [];
  let v = rows + to;
  if (prev[v] === -1) throw new Error('no cycle can protect this cell: the table needs at least two rows and two columns');
  while (v !== from) {
    const u = prev[v] as number;
    path.push(u < rows ? [u, v - rows] : [v, u - rows]);
    v = u;
  }
  return path;
}

/** Secondary suppression: withholds cells until no withheld cell can be recomputed (see above). */
export function secondary(table: readonly (readonly number[])[], primaryStatus: readonly (readonly ConfStatus[])[]): ConfStatus[][] {
  const status = primaryStatus.map((r) => [...r]);
  for (let round = 0; ; round++) {
    const [bridge] = bridges(status);
    if (!bridge) return status;
    for (const [i, j] of cheapestPath(table, status, bridge[0], bridge[1])) {
      const row = status[i] as ConfStatus[];
      if (row[j] === 'F') row[j] = 'D';
    }
    if (round > (table.length * (table[0]?.length ?? 0)) ** 2) throw new Error('secondary suppression did not converge');
  }
}

/**
 * Protects a two-way table of counts (rows × columns, no margins) under `rule`: its cells with
 * margins, every withheld one without a number.
 */
export function protect(cells: readonly (readonly number[])[], rule: DisclosureControl, contributions?: Contributions): Protected {
  if (cells.length < 1 || (cells[0]?.length ?? 0) < 1) throw new Error('a table has at least one row and one column');
  for (const row of cells) for (const v of row) if (!(Number.isInteger(v) && v >= 0)) throw new Error('cells are counts: whole numbers, at least 0');
  const table = withMargins(cells);
  const status = secondary(table, primary(table, rule, contributions));
  return { status, values: table.map((row, i) => row.map((v, j) => (status[i]?.[j] === 'F' ? v : null))) };
}
