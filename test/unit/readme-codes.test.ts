/** The README is the manual: every reply code and CLI exit code it promises must be the ones the code has. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_CODES, CODES } from '../../contracts/protocol.ts';
import { EXIT } from '../../cli/exit-codes.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('lists every reply code under its status', () => {
    for (const [status, codes] of Object.entries(CODES)) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${status}\` |`));
      expect(row, status).toBeDefined();
      for (const code of codes) expect(row, `${status}/${code}`).toContain(`\`${code}\``);
    }
    expect(ALL_CODES.length).toBeGreaterThan(15);
  });

  it('documents every exit code of the ndx command', () => {
    for (const code of new Set(Object.values(EXIT))) expect(readme, `exit code ${code}`).toMatch(new RegExp(`\`${code}\``));
  });
});
