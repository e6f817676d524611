/**
 * The data-sharing contract model: what a provider registry shares, with whom, why, on what basis.
 * A contract has immutable semver versions; each version carries its own governance terms
 * (consumers, purposes, legal bases, retention), because changing any of them is a MAJOR change.
 */
import type * as z from 'zod';
import type { IndicatorSpec } from './indicators/model.ts';
import { MAX_PAGE_SIZE, type Code } from './protocol.ts';

export const LIFECYCLE = ['draft', 'proposed', 'approved', 'active', 'deprecated', 'retired'] as const;
export type LifecycleStatus = (typeof LIFECYCLE)[number];

export const DATA_CATEGORIES = [
  'identifier',
  'identity',
  'demographic',
  'civil-status',
  'residence',
  'household',
  'land',
  'employment',
  'social-insurance',
  'health-insurance',
  'financial',
  'business',
  /** Counts over many units (indicator contracts, contracts/indicators/): about no one. */
  'statistics',
] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

export interface FieldSpec {
  category: DataCategory;
  /** personal data (PDPL) or sensitive personal data; `none` for data about legal persons or things. */
  sensitivity: 'none' | 'personal' | 'sensitive';
  description: string;
}

export interface Purpose {
  code: string;
  description: string;
}

/** A legal basis that allows specific consumers to look up for specific purposes without consent. */
export interface LegalBasis {
  id: string;
  instrument: string;
  article: string;
  /** The sectoral law the agency acts under, in words. */
  sectoral?: string;
  consumers: readonly string[];
  purposes: readonly string[];
}

// The zod types are kept generic over their shape so a contract module keeps its precise types.
export type AnyObjectSchema = z.ZodObject<z.ZodRawShape>;

/** A version as its module defines it: schemas and terms, immutable once published. */
export interface VersionDefinition {
  version: string;
  consumers: readonly string[];
  purposes: readonly Purpose[];
  legalBases: readonly LegalBasis[];
  /** How long a consumer promises to keep released data, in days. */
  retentionDays: number;
  rateLimit: { perAgencyPerMinute: number };
  subject: AnyObjectSchema;
  /** The reply's `data`. For a list version: `listResponse(list.item)`. */
  response: AnyObjectSchema;
  /** The released fields: of the response, or of each item for a list version. */
  fields: Readonly<Record<string, FieldSpec>>;
  /** Present when the version answers with a paginated list of items instead of one record. */
  list?: ListSpec;
  /** Present on an indicator version (contracts/indicators/): its SDMX structure and disclosure control. */
  indicator?: IndicatorSpec;
  changelog: string;
}

/**
 * A list version: the provider's named query (the registry module implements it), the schema of one
 * item, and the page sizes. Replies carry `{ items, nextPageToken? }`; see `listResponse`.
 */
export interface ListSpec {
  /** The registry module's query that answers it, e.g. `parcels-by-owner`. */
  query: string;
  item: AnyObjectSchema;
  defaultPageSize: number;
  /** The largest page a consumer may ask for (`page.size`). */
  maxPageSize: number;
}

/** A contract as its module defines it. Lifecycle state is not code: it lives in the contract registry. */
export interface ContractDefinition {
  id: string;
  title: string;
  description: string;
  /** The registry that answers it. */
  provider: string;
  /** Data stewards of the provider, who approve versions (with a data-protection officer). */
  stewards: readonly string[];
  versions: readonly VersionDefinition[];
}

/** Where a version stands, from the contract registry. */
export interface Lifecycle {
  status: LifecycleStatus;
  /** ISO date; set when deprecated. */
  sunset?: string;
}

export type ContractVersion = VersionDefinition & Lifecycle;

/** A contract with the lifecycle state of each version: what the router decides on. */
export interface Contract extends Omit<ContractDefinition, 'versions'> {
  versions: readonly ContractVersion[];
}

/** Joins definitions with registry state; a version the registry does not know is a draft. */
export function withLifecycle(definition: ContractDefinition, lifecycle: ReadonlyMap<string, Lifecycle>): Contract {
  return {
    ...definition,
    versions: definition.versions.map((v) => ({ ...v, ...(lifecycle.get(v.version) ?? { status: 'draft' as const }) })),
  };
}

export interface Semver {
  major: number;
  minor: number;
  patch: number;
}

export function parseSemver(v: string): Semver | undefined {
  const m = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(v);
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

export function compareSemver(a: string, b: string): number {
  const x = parseSemver(a);
  const y = parseSemver(b);
  if (!x || !y) throw new Error(`not semver: ${a} / ${b}`);
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}

export function majorOf(version: string): number {
  const v = parseSemver(version);
  if (!v) throw new Error(`not semver: ${version}`);
  return v.major;
}

/** The newest version a contract defines (its last); a contract without versions is a bug. */
export function latestVersion(contract: ContractDefinition): VersionDefinition {
  const version = contract.versions.at(-1);
  if (!version) throw new Error(`contract ${contract.id} defines no versions`);
  return version;
}

/**
 * A MINOR version of `base` that changes its rate limit alone (raised for a national day: ndx.config.ts
 * PROD_TRAFFIC); its changelog says from what to what. Agencies pinned to `base` keep its limit.
 */
export function withRateLimit(base: VersionDefinition, version: string, perAgencyPerMinute: number): VersionDefinition {
  // An integer's thousands with commas, as `toLocaleString('en-US')` writes them, without calling it: its first call
  // loads ICU's number formatting, about 10 ms of every cold start of a function that loads the contracts.
  const n = (x: number) => (Number.isSafeInteger(x) ? String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : x.toLocaleString('en-US'));
  return {
    ...base,
    version,
    rateLimit: { perAgencyPerMinute },
    changelog: `Rate limit ${n(base.rateLimit.perAgencyPerMinute)} → ${n(perAgencyPerMinute)} a minute per agency, for a national day (ndx.config.ts PROD_TRAFFIC).`,
  };
}

/** A contract as its module writes it: its versions, or a function that builds them (their schemas) when first read. */
export type ContractInput = Omit<ContractDefinition, 'versions'> & { versions: ContractDefinition['versions'] | (() => ContractDefinition['versions']) };

/**
 * A contract definition, validated (a bad definition is a bug): given its versions, at once; given a function that
 * builds them, when `versions` is first read, then kept. The shipped contracts build theirs so (contracts/catalog.ts): a
 * function that loads the catalog builds the schemas of the contracts it is asked about, not those of every contract
 * ndx knows — an adapter only its own registry's, a router those its agencies look up (`npm run bench:cold`;
 * test/unit/cold-start.test.ts). Every shipped contract is checked by the tests that read them all.
 */
export function defineContract(contract: ContractInput): ContractDefinition {
  const { versions: given, ...identity } = contract;
  if (typeof given !== 'function') {
    checkVersions(contract.id, given);
    return contract as ContractDefinition;
  }
  let built: ContractDefinition['versions'] | undefined;
  return {
    ...identity,
    get versions() {
      built ??= checkVersions(identity.id, given());
      return built;
    },
  };
}

/** The versions of contract `id` when they are valid; else throws with every problem found. */
function checkVersions(id: string, versions: ContractDefinition['versions']): ContractDefinition['versions'] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const v of versions) {
    const at = `${id}@${v.version}`;
    if (!parseSemver(v.version)) problems.push(`${at}: version is not semver`);
    if (seen.has(v.version)) problems.push(`${at}: duplicate version`);
    seen.add(v.version);
    const shape = Object.keys((v.list ? v.list.item : v.response).shape).sort();
    const fields = Object.keys(v.fields).sort();
    if (shape.join() !== fields.join()) problems.push(`${at}: ${v.list ? 'item' : 'response'} fields [${shape}] differ from field specs [${fields}]`);
    if (v.list) {
      const { defaultPageSize: d, maxPageSize: m } = v.list;
      if (!(Number.isInteger(d) && Number.isInteger(m) && d >= 1 && d <= m && m <= MAX_PAGE_SIZE))
        problems.push(`${at}: page sizes must satisfy 1 <= default <= max <= ${MAX_PAGE_SIZE}`);
      const keys = Object.keys(v.response.shape).sort().join();
      if (keys !== 'items,nextPageToken') problems.push(`${at}: a list version's response is listResponse(item), with items and nextPageToken`);
    }
    const purposeCodes = new Set(v.purposes.map((p) => p.code));
    for (const basis of v.legalBases) {
      for (const c of basis.consumers) if (!v.consumers.includes(c)) problems.push(`${at}: basis ${basis.id} names non-consumer ${c}`);
      for (const p of basis.purposes) if (!purposeCodes.has(p)) problems.push(`${at}: basis ${basis.id} names unknown purpose ${p}`);
    }
  }
  if (problems.length) throw new Error(`invalid contract ${id}:\n  ${problems.join('\n  ')}`);
  return versions;
}

/** Does this version need the citizen's consent for this consumer and purpose? */
export function legalBasisFor(version: VersionDefinition, consumer: string, purpose: string): LegalBasis | undefined {
  return version.legalBases.find((b) => b.consumers.includes(consumer) && b.purposes.includes(purpose));
}

/** The personal-data categories a version releases (what a consent must cover). */
export function releasedCategories(version: VersionDefinition): DataCategory[] {
  return [
    ...new Set(
      Object.values(version.fields)
        .filter((f) => f.sensitivity !== 'none')
        .map((f) => f.category),
    ),
  ].sort();
}

export type Resolution =
  | { ok: true; version: ContractVersion }
  | { ok: false; code: Extract<Code, 'UNKNOWN_VERSION' | 'VERSION_RETIRED' | 'CONTRACT_NOT_ACTIVE'> };

const ANSWERING: readonly LifecycleStatus[] = ['active', 'deprecated'];

/**
 * Resolves a request's pin: a major resolves to the newest active version of that major (a
 * deprecated one answers, with a notice, only when no active one is left); an exact version must
 * itself be active or deprecated.
 */
export function resolveVersion(contract: Contract, pin: string): Resolution {
  const exact = pin.includes('.');
  const candidates = contract.versions.filter((v) => (exact ? v.version === pin : String(majorOf(v.version)) === pin));
  if (candidates.length === 0) return { ok: false, code: 'UNKNOWN_VERSION' };
  const newestFirst = [...candidates].sort((a, b) => compareSemver(b.version, a.version));
  const active = newestFirst.find((v) => v.status === 'active');
  const answering = active ?? newestFirst.find((v) => ANSWERING.includes(v.status));
  if (answering) return { ok: true, version: answering };
  if (newestFirst.some((v) => v.status === 'retired')) return { ok: false, code: 'VERSION_RETIRED' };
  return { ok: false, code: 'CONTRACT_NOT_ACTIVE' };
}
