/**
 * Disclosure control rule by rule, with tables worked out by hand (the properties in
 * indicator-disclosure.property.test.ts attack random tables; these pin each choice): the threshold
 * at threshold−1 and threshold, the dominance share at exactly k, a margin's largest contributors,
 * the bridges of the graph of withheld cells, and which cells secondary suppression withholds (the
 * cheapest cycle, interior cells before margins, margins before the grand total, withheld cells
 * reused without changing their status).
 */
import { describe, expect, it } from 'vitest';
import type { ConfStatus } from '../../contracts/indicators/model.ts';
import { bridges, primary, protect, secondary, withMargins } from '../../domain/indicators/disclosure.ts';

const sorted = (pairs: Array<[number, number]>) => [...pairs].sort((a, b) => a[0] - b[0] || a[1] - b[1]);

describe('withMargins', () => {
  it('appends each row total, then the column totals with the grand total', () => {
    expect(
      withMargins([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    ).toEqual([
      [1, 2, 3, 6],
      [4, 5, 6, 15],
      [5, 7, 9, 21],
    ]);
    expect(withMargins([[7]])).toEqual([
      [7, 7],
      [7, 7],
    ]);
  });

  it('gives a table without rows only its grand total, and refuses rows of different lengths', () => {
    expect(withMargins([])).toEqual([[0]]);
    expect(() => withMargins([[1, 2], [3]])).toThrow('a table has rows of one length');
  });
});

describe('primary suppression', () => {
  it('withholds a count above zero and below the threshold: threshold − 1 is withheld, the threshold and zero are not', () => {
    expect(primary([[0, 1, 2, 3, 4]], { threshold: 3 })).toEqual([['F', 'A', 'A', 'F', 'F']]);
    expect(primary([[1, 2]], { threshold: 2 })).toEqual([['A', 'F']]);
  });

  it('withholds a cell whose largest contributor makes more than k of it (O), not one at exactly k', () => {
    const table = withMargins([
      [13, 20],
      [30, 40],
    ]);
    // (0,0): 10 of 13 (unsorted contributions); (1,1): 20 of 40 is exactly k = 0.5.
    const contributions = [
      [
        [1, 10, 2],
        [5, 5, 5, 5],
      ],
      [
        [10, 10, 10],
        [20, 20],
      ],
    ];
    expect(primary(table, { threshold: 1, dominance: { n: 1, k: 0.5 } }, contributions)).toEqual([
      ['O', 'F', 'F'],
      ['F', 'F', 'F'],
      ['F', 'F', 'F'],
    ]);
  });

  it('with n = 2, adds the two largest contributors (T)', () => {
    // 4 + 3 of 10 is more than 0.6 of it; the largest alone (4) is not.
    const contributions = [[[1, 3, 1, 4, 1]]];
    const table = withMargins([[10]]);
    expect(primary(table, { threshold: 1, dominance: { n: 2, k: 0.6 } }, contributions)).toEqual([
      ['T', 'T'],
      ['T', 'T'],
    ]);
    expect(primary(table, { threshold: 1, dominance: { n: 1, k: 0.6 } }, contributions)).toEqual([
      ['F', 'F'],
      ['F', 'F'],
    ]);
    expect(primary(table, { threshold: 1, dominance: { n: 2, k: 0.7 } }, contributions)).toEqual([
      ['F', 'F'],
      ['F', 'F'],
    ]);
  });

  it("takes a margin's contributors from every cell of its row or column, and never dominates an empty cell", () => {
    // The empty cell (0,0) lists a contributor of 9: it is not dominated (it counts nothing), but its
    // row and column totals (10 each) are; the grand total (30) is not.
    const contributions = [
      [[9], [2, 2, 2, 2, 2]],
      [
        [2, 2, 2, 2, 2],
        [2, 2, 2, 2, 2],
      ],
    ];
    const table = withMargins([
      [0, 10],
      [10, 10],
    ]);
    expect(primary(table, { threshold: 1, dominance: { n: 1, k: 0.6 } }, contributions)).toEqual([
      ['F', 'F', 'O'],
      ['F', 'F', 'F'],
      ['O', 'F', 'F'],
    ]);
  });

  it('applies dominance only with both the rule and the contributions, and the threshold before it', () => {
    const table = withMargins([[2, 10]]);
    const contributions = [[[2], [9, 1]]];
    expect(primary(table, { threshold: 1, dominance: { n: 1, k: 0.5 } })).toEqual([
      ['F', 'F', 'F'],
      ['F', 'F', 'F'],
    ]);
    expect(primary(table, { threshold: 1 }, contributions)).toEqual([
      ['F', 'F', 'F'],
      ['F', 'F', 'F'],
    ]);
    expect(primary(table, { threshold: 3, dominance: { n: 1, k: 0.5 } }, contributions)).toEqual([
      ['A', 'O', 'O'],
      ['A', 'O', 'O'],
    ]);
  });
});

describe('bridges of the graph of withheld cells', () => {
  it('finds a lone withheld cell, whatever its status, and no cell of a cycle', () => {
    expect(
      bridges([
        ['A', 'F'],
        ['F', 'F'],
      ]),
    ).toEqual([[0, 0]]);
    expect(
      bridges([
        ['F', 'F'],
        ['F', 'D'],
      ]),
    ).toEqual([[1, 1]]);
    expect(
      bridges([
        ['O', 'T'],
        ['D', 'A'],
      ]),
    ).toEqual([]);
    expect(bridges([])).toEqual([]);
    expect(bridges([['F', 'F']])).toEqual([]);
  });

  it('finds every edge of a path, and only the edge hanging off a cycle', () => {
    expect(
      sorted(
        bridges([
          ['A', 'F', 'F'],
          ['A', 'A', 'F'],
          ['F', 'F', 'F'],
        ]),
      ),
    ).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
    ]);
    expect(
      bridges([
        ['A', 'A', 'F'],
        ['A', 'A', 'A'],
        ['F', 'F', 'F'],
      ]),
    ).toEqual([[1, 2]]);
    // A 6-cycle over rows 0..2 and columns 0..2, and a cell hanging off it in column 3.
    expect(
      bridges([
        ['A', 'A', 'F', 'A'],
        ['F', 'A', 'A', 'F'],
        ['A', 'F', 'A', 'F'],
      ]),
    ).toEqual([[0, 3]]);
  });

  it('finds the one cell joining two cycles, and bridges in separate parts of the table', () => {
    const joined: ConfStatus[][] = [
      ['A', 'A', 'A', 'F'],
      ['A', 'A', 'F', 'F'],
      ['F', 'F', 'A', 'A'],
      ['F', 'F', 'A', 'A'],
    ];
    expect(bridges(joined)).toEqual([[0, 2]]);
    expect(
      sorted(
        bridges([
          ['A', 'F', 'F'],
          ['F', 'A', 'F'],
          ['F', 'F', 'F'],
        ]),
      ),
    ).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });
});

describe('secondary suppression', () => {
  it('protects a small cell through the cheapest cycle of interior cells', () => {
    // (0,0) = 1 is withheld; through column 1 the cycle costs 6 + 7 + 41, through column 2 far more.
    const { status, values } = protect(
      [
        [1, 5, 90],
        [40, 6, 80],
      ],
      { threshold: 3 },
    );
    expect(status).toEqual([
      ['A', 'D', 'F', 'F'],
      ['D', 'D', 'F', 'F'],
      ['F', 'F', 'F', 'F'],
    ]);
    expect(values).toEqual([
      [null, null, 90, 96],
      [null, null, 80, 126],
      [41, 11, 170, 222],
    ]);
  });

  it('withholds margins only when it must, and keeps the grand total', () => {
    // One row: column 0's cell (1) and its total (1) are withheld; the cycle must go through the
    // other column's cell and total, not through the row total and the grand total.
    const { status, values } = protect([[1, 10]], { threshold: 3 });
    expect(status).toEqual([
      ['A', 'D', 'F'],
      ['A', 'D', 'F'],
    ]);
    expect(values).toEqual([
      [null, null, 11],
      [null, null, 11],
    ]);
  });

  it('reuses a withheld cell on the cycle without changing its status', () => {
    const status = protect(
      [
        [1, 20],
        [30, 2],
      ],
      { threshold: 3 },
    ).status;
    expect(status).toEqual([
      ['A', 'D', 'F'],
      ['D', 'A', 'F'],
      ['F', 'F', 'F'],
    ]);
  });

  it('protects cells withheld by dominance like small ones', () => {
    const { status } = protect(
      [
        [13, 20],
        [30, 40],
      ],
      { threshold: 1, dominance: { n: 1, k: 0.5 } },
      [
        [
          [1, 10, 2],
          [5, 5, 5, 5],
        ],
        [
          [10, 10, 10],
          [20, 20],
        ],
      ],
    );
    expect(status).toEqual([
      ['O', 'D', 'F'],
      ['D', 'D', 'F'],
      ['F', 'F', 'F'],
    ]);
  });

  it('leaves a table with nothing withheld, or withheld cells on a cycle, as it is', () => {
    const table = withMargins([
      [5, 6],
      [7, 8],
    ]);
    const none = table.map((r) => r.map((): ConfStatus => 'F'));
    expect(secondary(table, none)).toEqual(none);
    const cycle: ConfStatus[][] = [
      ['A', 'A', 'F'],
      ['A', 'A', 'F'],
      ['F', 'F', 'F'],
    ];
    expect(secondary(table, cycle)).toEqual(cycle);
    // The primary statuses given are not changed in place.
    expect(cycle[0]).toEqual(['A', 'A', 'F']);
  });

  it('says so when no cycle can protect a cell (a table of one row and no margins)', () => {
    expect(() => secondary([[1, 1]], [['A', 'A']])).toThrow('no cycle can protect this cell: the table needs at least two rows and two columns');
  });

  it('protects several small cells in a larger table so that each withheld line holds two withheld cells', () => {
    const cells = [
      [1, 30, 40, 50],
      [30, 2, 40, 50],
      [30, 40, 1, 50],
      [30, 40, 50, 2],
    ];
    const { status } = protect(cells, { threshold: 3 });
    expect(bridges(status)).toEqual([]);
    for (const line of [...status, ...(status[0] ?? []).map((_, j) => status.map((r) => r[j]))]) {
      const withheld = line.filter((s) => s !== 'F').length;
      expect(withheld === 0 || withheld >= 2).toBe(true);
    }
    expect(status.flat().filter((s) => s === 'A')).toHaveLength(4);
  });
});

describe("secondary suppression's choices, one round at a time", () => {
  // Small tables on which a change to what a cell costs (interior, margin, grand total), to the order
  // Dijkstra settles nodes in, or to how an edge maps back to its cell would withhold other cells. Each
  // round takes the first bridge and closes the cheapest cycle through it: read row by row, margins last.
  const cases: Array<[number[][], string[]]> = [
    [
      [
        [0, 11],
        [3, 0],
        [0, 1],
      ],
      ['FFF', 'DDD', 'DAA', 'FFF'],
    ],
    [
      [
        [1, 0],
        [0, 19],
      ],
      ['ADA', 'DFD', 'ADF'],
    ],
    [[[9, 1]], ['DAF', 'DAF']],
    [
      [
        [6, 1],
        [0, 1],
      ],
      ['FAD', 'DAA', 'DAF'],
    ],
    [
      [[974], [1]],
      ['DD', 'AA', 'FF'],
    ],
    [
      [
        [1, 0],
        [618, 2],
      ],
      ['ADA', 'DAD', 'DAF'],
    ],
    [
      [
        [2, 3],
        [0, 0],
      ],
      ['ADF', 'DDF', 'ADF'],
    ],
    [
      [
        [19, 0, 0],
        [1, 0, 1],
      ],
      ['DDDD', 'AFAA', 'FDAF'],
    ],
    [
      [
        [663, 820],
        [1, 0],
        [0, 3],
        [0, 5],
      ],
      ['FFF', 'ADA', 'DDD', 'FFF', 'FFF'],
    ],
    [
      [
        [775, 1],
        [0, 1],
        [0, 0],
      ],
      ['DAF', 'DAA', 'FDD', 'DAF'],
    ],
    [
      [[0], [0], [1], [28]],
      ['DD', 'FF', 'AA', 'FF', 'FF'],
    ],
    [[[12, 9, 1]], ['FDAF', 'FDAF']],
  ];
  it.each(cases)('protects %j as %j, leaving no withheld cell a bridge', (cells, expected) => {
    const { status } = protect(cells, { threshold: 3 });
    expect(status.map((r) => r.join(''))).toEqual(expected);
    expect(bridges(status)).toEqual([]);
  });
});

describe('protect', () => {
  it('refuses a table without rows or columns, and cells that are not whole counts', () => {
    expect(() => protect([], { threshold: 3 })).toThrow('a table has at least one row and one column');
    expect(() => protect([[]], { threshold: 3 })).toThrow('a table has at least one row and one column');
    expect(() => protect([[1.5]], { threshold: 3 })).toThrow('cells are counts: whole numbers, at least 0');
    expect(() => protect([[-1]], { threshold: 3 })).toThrow('cells are counts: whole numbers, at least 0');
    expect(protect([[0]], { threshold: 3 }).values).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });
});
