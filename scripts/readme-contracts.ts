/**
 * The README's tables of registries, contracts, purposes and legal bases, generated from the code
 * (ndx.config.ts, registries/, contracts/catalog.ts) so that they cannot drift from it.
 *
 *   npm run docs            rewrites the section between the markers in README.md
 *   npm run docs -- --check exits 1 when the section is stale (test/unit/readme.test.ts checks it too)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NdxConfig } from '../config/schema.ts';
import { CONTRACTS } from '../contracts/catalog.ts';
import { INDICATORS } from '../contracts/indicators/catalog.ts';
import type { IndicatorDefinition } from '../contracts/indicators/define.ts';
import { legalBasisFor, releasedCategories, type ContractDefinition } from '../contracts/model.ts';

export const START = '<!-- contracts:start -->';
export const END = '<!-- contracts:end -->';
export const README = fileURLToPath(new URL('../README.md', import.meta.url));

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => `\`${s}\``;

/** The generated Markdown, without the markers. */
export function contractsSection(
  config: NdxConfig,
  contracts: readonly ContractDefinition[] = CONTRACTS,
  indicators: readonly IndicatorDefinition[] = INDICATORS,
): string {
  const lines: string[] = [];
  lines.push('_Generated from ndx.config.ts and contracts/ by `npm run docs`; do not edit by hand._', '');

  lines.push('**Registries**', '');
  lines.push('| registry | operator | table key | indexes (list queries) | source | contracts |', '| --- | --- | --- | --- | --- | --- |');
  for (const r of config.registries) {
    const keyList = (...names: Array<string | undefined>) => names.flatMap((k) => (k ? [code(k)] : [])).join(' + ');
    const key = keyList(r.key.partition, r.key.sort);
    const indexes = r.indexes.map((i) => `${code(i.name)}: ${keyList(i.partition, i.sort)}`).join('<br>') || '—';
    const source = r.source.kind === 'http' ? `HTTP: ${r.source.url}` : 'DynamoDB';
    const provided =
      [...contracts, ...indicators]
        .filter((c) => c.provider === r.id)
        .map((c) => code(c.id))
        .join('<br>') || '—';
    lines.push(`| ${cell(r.title)} (${code(r.id)}) | ${cell(r.operator)} | ${key} | ${indexes} | ${cell(source)} | ${provided} |`);
  }

  lines.push('', '**Contracts**', '');
  lines.push(
    '| contract | version | registry | by (subject) | answers | rate limit (per agency, a minute) | fields released (category, sensitivity) |',
    '| --- | --- | --- | --- | --- | ---: | --- |',
  );
  for (const c of contracts) {
    for (const v of c.versions) {
      const subject = Object.keys(v.subject.shape).map(code).join(' or ');
      const answers = v.list ? `a list, ${v.list.defaultPageSize} per page (at most ${v.list.maxPageSize})` : 'one record';
      const fields = Object.entries(v.fields)
        .map(([name, f]) => `${code(name)} (${f.category}, ${f.sensitivity})`)
        .join(', ');
      const limit = v.rateLimit.perAgencyPerMinute.toLocaleString('en-US');
      lines.push(`| ${code(c.id)}: ${cell(c.title)} | ${v.version} | ${code(c.provider)} | ${subject} | ${answers} | ${limit} | ${fields} |`);
    }
  }

  lines.push(
    '',
    '**Purposes and bases**: for each purpose, the consumers a legal basis covers (no consent asked), and those that need the citizen’s consent',
    '',
  );
  lines.push('| contract | purpose | on a legal basis | with the citizen’s consent |', '| --- | --- | --- | --- |');
  for (const c of contracts) {
    for (const v of c.versions) {
      for (const p of v.purposes) {
        const legal: string[] = [];
        const consent: string[] = [];
        for (const consumer of v.consumers) {
          const basis = legalBasisFor(v, consumer, p.code);
          if (basis) legal.push(`${code(consumer)}: ${basis.instrument}, ${basis.article}${basis.sectoral ? `; ${basis.sectoral}` : ''} (${code(basis.id)})`);
          else consent.push(code(consumer));
        }
        const categories = releasedCategories(v);
        const consentText = consent.length ? `${consent.join(', ')}${categories.length ? ` (categories: ${categories.join(', ')})` : ''}` : '—';
        lines.push(`| ${code(`${c.id}@${v.version}`)} | ${code(p.code)}: ${cell(p.description)} | ${cell(legal.join('<br>')) || '—'} | ${cell(consentText)} |`);
      }
    }
  }
  lines.push('', '**Indicators** (counts over a whole registry, released with disclosure control; README: Indicators)', '');
  lines.push(
    '| indicator | version | registry | dimensions (code list: codes) | period | measure | withheld below | consumers (legal basis) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const c of indicators) {
    for (const v of c.versions) {
      const spec = v.indicator;
      const dims = spec.dimensions.map((d) => `${code(d.id)} (${code(d.codeList.id)}: ${d.codeList.codes.length})`).join(' × ');
      const consumers = v.consumers.map((consumer) => `${code(consumer)} (${v.legalBases.find((b) => b.consumers.includes(consumer))?.id ?? '—'})`).join(', ');
      lines.push(
        `| ${code(c.id)}: ${cell(c.title)} | ${v.version} | ${code(c.provider)} | ${dims} | ${spec.period.frequency === 'M' ? 'month' : 'year'} | ${cell(spec.measure.name.en)} (${spec.measure.unit}) | ${spec.disclosure.threshold} | ${consumers} |`,
      );
    }
  }
  lines.push('', `**Consumers**: ${config.agencies.map((a) => `${code(a.id)} ${cell(a.name)}`).join('; ')}.`);
  return lines.join('\n');
}

/** The README with its section replaced. */
export function withSection(readme: string, section: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} ... ${END} section`);
  return `${readme.slice(0, start + START.length)}\n${section}\n${readme.slice(end)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { default: config } = await import('../ndx.config.ts');
  const readme = readFileSync(README, 'utf8');
  const next = withSection(readme, contractsSection(config));
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      console.error('README.md: the contracts section is stale; run `npm run docs`');
      process.exit(1);
    }
    console.log('README.md: the contracts section is up to date');
  } else if (next !== readme) {
    writeFileSync(README, next);
    console.log('README.md: contracts section rewritten');
  } else {
    console.log('README.md: contracts section already up to date');
  }
}
