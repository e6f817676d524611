/**
 * Semver that carries governance (DESIGN §3): PATCH = descriptions only; MINOR = a compatible schema
 * change exposing no new personal-data category; MAJOR = anything else, including any change of
 * purpose, legal basis, retention, recipients or released data categories — a consent-based contract
 * then needs fresh consent — even when the schema change alone would be compatible.
 */
import * as z from 'zod';
import { checkCompatibility, type Change, type CompatibilityResult, type Mode } from './compatibility.ts';
import { indicatorReasons } from './indicators/governance.ts';
import { compareSemver, majorOf, parseSemver, releasedCategories, type ContractDefinition, type VersionDefinition } from './model.ts';

export const BUMPS = ['NONE', 'PATCH', 'MINOR', 'MAJOR'] as const;
export type Bump = (typeof BUMPS)[number];
const rank = (b: Bump) => BUMPS.indexOf(b);

/** Changes that only describe: a PATCH. */
const DESCRIPTIVE = new Set<string>(['description-changed', 'title-changed', 'annotation-changed']);

export interface Reason {
  bump: Bump;
  message: string;
  path?: string;
}

/** The bump from one version number to another. */
export function bumpOf(from: string, to: string): Bump {
  const a = parseSemver(from);
  const b = parseSemver(to);
  if (!a || !b) throw new Error(`not semver: ${from} / ${to}`);
  if (b.major !== a.major) return 'MAJOR';
  if (b.minor !== a.minor) return 'MINOR';
  if (b.patch !== a.patch) return 'PATCH';
  return 'NONE';
}

const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (Array.isArray(x) && x.every((e) => typeof e === 'string') ? [...x].sort() : x));

function withoutDescriptions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutDescriptions);
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(
      Object.entries(schema as Record<string, unknown>)
        .filter(([k]) => k !== 'description' && k !== 'title')
        .map(([k, v]) => [k, withoutDescriptions(v)]),
    );
  }
  return schema;
}

const schemaOf = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { io });

/** The least bump one schema change needs when existing consumers meet it (BACKWARD): MAJOR when it breaks them, PATCH when it only describes, else MINOR. */
export function changeBump(c: Change): Bump {
  return c.breaking ? 'MAJOR' : DESCRIPTIVE.has(c.kind) ? 'PATCH' : 'MINOR';
}

/** Every reason the step from `prev` to `next` needs a bump, each with the least bump it needs. */
export function changeReasons(prev: VersionDefinition, next: VersionDefinition): Reason[] {
  const reasons: Reason[] = [];
  const major = (message: string) => reasons.push({ bump: 'MAJOR', message });
  if (json(prev.consumers) !== json(next.consumers)) major(`recipients change: [${prev.consumers}] → [${next.consumers}]`);
  const codes = (v: VersionDefinition) => v.purposes.map((p) => p.code);
  if (json(codes(prev)) !== json(codes(next))) major(`purposes change: [${codes(prev)}] → [${codes(next)}]`);
  const bases = (v: VersionDefinition) =>
    v.legalBases.map(({ id, instrument, article, consumers, purposes }) => ({ id, instrument, article, consumers, purposes }));
  if (json(bases(prev)) !== json(bases(next))) major('legal bases change');
  if (prev.retentionDays !== next.retentionDays) major(`retention changes: ${prev.retentionDays} → ${next.retentionDays} days`);
  if (json(releasedCategories(prev)) !== json(releasedCategories(next))) {
    major(`released data categories change: [${releasedCategories(prev)}] → [${releasedCategories(next)}]`);
  }
  if (json(Object.keys(prev.subject.shape)) !== json(Object.keys(next.subject.shape))) major('the subject key changes');

  const response = checkCompatibility(next.response, [prev.response], 'BACKWARD', { role: 'response' });
  const request = checkCompatibility(next.subject, [prev.subject], 'BACKWARD', { role: 'request' });
  for (const [what, result] of [
    ['response', response],
    ['subject', request],
  ] as const) {
    for (const c of result.results.flatMap((r) => r.changes)) {
      reasons.push({ bump: changeBump(c), message: `${what} ${c.path}: ${c.reason}`, path: c.path });
    }
  }
  // Indicator versions: code lists, dimensions, period, measure and disclosure control (contracts/indicators/define.ts).
  reasons.push(...indicatorReasons(prev.indicator, next.indicator));
  if (prev.rateLimit.perAgencyPerMinute !== next.rateLimit.perAgencyPerMinute) {
    reasons.push({ bump: 'MINOR', message: `rate limit changes: ${prev.rateLimit.perAgencyPerMinute} → ${next.rateLimit.perAgencyPerMinute}/min` });
  }
  const structural = (v: VersionDefinition) =>
    json([
      withoutDescriptions(schemaOf(v.response, 'output')),
      withoutDescriptions(schemaOf(v.subject, 'input')),
      Object.fromEntries(Object.entries(v.fields).map(([k, f]) => [k, { ...f, description: '' }])),
    ]);
  const full = (v: VersionDefinition) => json([schemaOf(v.response, 'output'), schemaOf(v.subject, 'input'), v.fields, v.purposes, v.legalBases, v.changelog]);
  if (!reasons.some((r) => r.bump !== 'PATCH') && structural(prev) === structural(next) && full(prev) !== full(next) && !reasons.length) {
    reasons.push({ bump: 'PATCH', message: 'descriptions change' });
  }
  return reasons;
}

/** The least bump the step needs. */
export function requiredBump(prev: VersionDefinition, next: VersionDefinition): Bump {
  return changeReasons(prev, next).reduce<Bump>((b, r) => (rank(r.bump) > rank(b) ? r.bump : b), 'NONE');
}

/**
 * Every change between two versions, as `ndx contract diff` prints it and the console shows it: the
 * bump the numbers make and the bump the change needs, each reason with its bump, and the schema
 * changes in both directions (FULL) with their verdict and reason. In the backward direction
 * (consumers built for `from` meeting `to`) each change carries the bump it needs, as governance
 * counts it; the forward direction only informs.
 */
export interface VersionDiff {
  from: string;
  to: string;
  bump: Bump;
  requiredBump: Bump;
  reasons: Reason[];
  response: DiffResult[];
  subject: DiffResult[];
}

/** One direction's schema changes; in the backward direction each with the bump it needs. */
export interface DiffResult {
  against: number;
  direction: 'backward' | 'forward';
  changes: Array<Change & { bump?: Bump }>;
}

export function versionDiff(from: VersionDefinition, to: VersionDefinition): VersionDiff {
  const reasons = changeReasons(from, to);
  const withBumps = (results: CompatibilityResult['results']): DiffResult[] =>
    results.map((r) => ({ ...r, changes: r.changes.map((c) => (r.direction === 'backward' ? { ...c, bump: changeBump(c) } : c)) }));
  return {
    from: from.version,
    to: to.version,
    bump: bumpOf(from.version, to.version),
    requiredBump: reasons.reduce<Bump>((b, r) => (rank(r.bump) > rank(b) ? r.bump : b), 'NONE'),
    reasons,
    response: withBumps(checkCompatibility(to.response, [from.response], 'FULL', { role: 'response' }).results),
    subject: withBumps(checkCompatibility(to.subject, [from.subject], 'FULL', { role: 'request' }).results),
  };
}

export interface Problem {
  message: string;
  path?: string;
}

/**
 * What stops `version` from being published after the versions already published: a bump smaller
 * than its change needs (against the newest published version below it), or, within its major, a
 * breaking change against any version still answering there (BACKWARD_TRANSITIVE by default).
 */
export function governanceProblems(
  contract: ContractDefinition,
  version: VersionDefinition,
  publishedVersions: readonly string[],
  mode: Mode = 'BACKWARD_TRANSITIVE',
): Problem[] {
  const byVersion = (v: string) => contract.versions.find((x) => x.version === v);
  const below = publishedVersions.filter((v) => compareSemver(v, version.version) < 0).sort(compareSemver);
  const problems: Problem[] = [];
  if (publishedVersions.some((v) => compareSemver(v, version.version) >= 0 && majorOf(v) === majorOf(version.version))) {
    problems.push({
      message: `a version at or above ${version.version} is already published in major ${majorOf(version.version)}: versions only move forward`,
    });
  }
  const prevVersion = below.at(-1);
  const prev = prevVersion ? byVersion(prevVersion) : undefined;
  if (prev) {
    const actual = bumpOf(prev.version, version.version);
    const reasons = changeReasons(prev, version);
    const needed = reasons.reduce<Bump>((b, r) => (rank(r.bump) > rank(b) ? r.bump : b), 'NONE');
    if (rank(actual) < rank(needed)) {
      problems.push({ message: `${prev.version} → ${version.version} is a ${actual} bump but the change needs ${needed}:` });
      for (const r of reasons.filter((x) => rank(x.bump) > rank(actual)))
        problems.push({ message: `  [${r.bump}] ${r.message}`, ...(r.path ? { path: r.path } : {}) });
    }
  }
  const sameMajor = below
    .filter((v) => majorOf(v) === majorOf(version.version))
    .map(byVersion)
    .filter((v): v is VersionDefinition => v !== undefined);
  if (sameMajor.length) {
    const result = checkCompatibility(
      version.response,
      sameMajor.map((v) => v.response),
      mode,
      { role: 'response' },
    );
    for (const r of result.results) {
      const against = sameMajor[r.against];
      if (!against) throw new Error(`checkCompatibility answered against version #${r.against}, not one of the ${sameMajor.length} it was given`);
      for (const c of r.changes.filter((x: Change) => x.breaking)) {
        problems.push({ message: `breaks consumers of ${against.version} (${mode}): ${c.path} ${c.reason}`, path: c.path });
      }
    }
  }
  return problems;
}
