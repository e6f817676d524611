/** The README's registry and contract tables are generated from the code; this fails when they are stale. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import config from '../../ndx.config.ts';
import { CONTRACTS } from '../../contracts/catalog.ts';
import { contractsSection, README, withSection } from '../../scripts/readme-contracts.ts';

describe('README', () => {
  const readme = readFileSync(README, 'utf8');

  it('has the contracts section exactly as `npm run docs` generates it', () => {
    expect(withSection(readme, contractsSection(config)), 'README.md is stale: run `npm run docs`').toBe(readme);
  });

  it('lists every registry, contract, purpose and legal basis', () => {
    const section = contractsSection(config);
    for (const r of config.registries) expect(section).toContain(`(\`${r.id}\`)`);
    for (const c of CONTRACTS) {
      for (const v of c.versions) {
        expect(section).toContain(`\`${c.id}@${v.version}\``);
        expect(section).toContain(`| ${v.version} | \`${c.provider}\``);
        expect(section).toContain(` | ${v.rateLimit.perAgencyPerMinute.toLocaleString('en-US')} | `);
        for (const p of v.purposes) expect(section).toContain(`\`${p.code}\``);
        for (const b of v.legalBases) expect(section).toContain(`(\`${b.id}\`)`);
      }
    }
  });
});
