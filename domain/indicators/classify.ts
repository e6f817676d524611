/**
 * Where a registry record counts in each indicator of its registry: the cell (one code per dimension)
 * and the period. Pure; records are read structurally (only the fields named here), so the rules
 * stay beside the code lists they map onto.
 *
 * Snapshot indicators (population, social insurance, land) count the state of the register at the
 * instant `asOf` as the state at the end of the month before it: run on the first of a month at 00:00
 * UTC, a computation gives the previous month. Registrations (business) count each enterprise in the
 * month of its founding date, for every month before `asOf`.
 */
import { CL_PROVINCE, sectionOf } from '../../contracts/indicators/codelists.ts';
import { cellKey } from './release.ts';
import type { Tally } from './aggregate.ts';

type Item = Record<string, unknown>;

const PROVINCE_BY_NAME = new Map(CL_PROVINCE.codes.map((c) => [c.name.vi, c.id]));
const PROVINCE_CODES = new Set(CL_PROVINCE.codes.map((c) => c.id));

/** The month (YYYY-MM) a snapshot taken at `asOf` describes: the one that ended by then. */
export function snapshotPeriod(asOf: Date): string {
  return new Date(asOf.getTime() - 1).toISOString().slice(0, 7);
}

/** The five-year band of an age in completed years. */
export function ageBand(age: number): string {
  if (age >= 85) return 'Y_GE85';
  const low = Math.floor(age / 5) * 5;
  return `Y${low}T${low + 4}`;
}

/** Completed years from a date of birth (YYYY-MM-DD) to the day of `at`. */
export function ageAt(dateOfBirth: string, at: Date): number {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const day = at.toISOString().slice(0, 10);
  const [ay, am, ad] = day.split('-').map(Number) as [number, number, number];
  return ay - y - (am < m || (am === m && ad < d) ? 1 : 0);
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const field = (item: Item, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Item)[k] : undefined), item);
/** The province code of a province's name; a Map keyed by names finds nothing for any other value (a number, an object, none). */
const provinceNamed = (name: unknown): string | undefined => PROVINCE_BY_NAME.get(name as string);
const sectionOfCode = (code: unknown): string | undefined => (typeof code === 'string' ? sectionOf(code) : undefined);

/** A classification: the cell's codes and the period, or `null` for a record the indicator does not count, `undefined` for one it cannot place. */
export type Placement = { period: string; codes: string[] } | null | undefined;

export interface Classifier {
  indicator: string;
  registry: string;
  place(item: Item, asOf: Date): Placement;
}

export const CLASSIFIERS: readonly Classifier[] = [
  {
    indicator: 'population.living-population',
    registry: 'population',
    place(item, asOf) {
      if (item.status !== 'LIVING') return null;
      const born = text(item.dateOfBirth);
      // The state just before asOf: run at midnight on the 1st, a person born that day is not counted yet.
      const end = new Date(asOf.getTime() - 1);
      // Stryker disable next-line MethodExpression: a date of birth (YYYY-MM-DD) orders the same against the instant as against its day
      if (!born || born > end.toISOString().slice(0, 10)) return null;
      const province = provinceNamed(field(item, 'permanentResidence', 'province'));
      const sex = item.sex === 'MALE' ? 'M' : item.sex === 'FEMALE' ? 'F' : undefined;
      if (!province || !sex) return undefined;
      return { period: snapshotPeriod(asOf), codes: [province, sex, ageBand(ageAt(born, end))] };
    },
  },
  {
    indicator: 'business.enterprises-registered',
    registry: 'business',
    place(item, asOf) {
      if (item.sk !== 'PROFILE' || item.parentEnterpriseCode !== null) return null;
      const founded = text(item.foundedOn);
      if (!founded || founded >= asOf.toISOString().slice(0, 10)) return null;
      const province = provinceNamed(field(item, 'headOffice', 'province'));
      const sector = sectionOfCode(field(item, 'mainIndustry', 'code'));
      if (!province || !sector) return undefined;
      return { period: founded.slice(0, 7), codes: [province, sector] };
    },
  },
  {
    indicator: 'social-insurance.participants',
    registry: 'social-insurance',
    place(item, asOf) {
      if (item.status !== 'PARTICIPATING') return null;
      const province = text(item.legacyCode)?.slice(0, 2);
      const scheme = item.participationType;
      if (!province || !PROVINCE_CODES.has(province) || (scheme !== 'COMPULSORY' && scheme !== 'VOLUNTARY')) return undefined;
      return { period: snapshotPeriod(asOf), codes: [province, scheme] };
    },
  },
  {
    indicator: 'land.parcels-by-land-use',
    registry: 'land',
    place(item, asOf) {
      if (item.sk !== 'PARCEL') return null;
      const province = provinceNamed(field(item, 'address', 'province'));
      const use = text(item.landUse);
      if (!province || !use) return undefined;
      return { period: snapshotPeriod(asOf), codes: [province, use] };
    },
  },
];

export function classifiersOf(registry: string): Classifier[] {
  return CLASSIFIERS.filter((c) => c.registry === registry);
}

/** The attributes a registry's classifiers read (a scan projects only these). */
export const READ_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  population: ['status', 'dateOfBirth', 'permanentResidence', 'sex'],
  business: ['sk', 'parentEnterpriseCode', 'foundedOn', 'headOffice', 'mainIndustry'],
  'social-insurance': ['status', 'legacyCode', 'participationType'],
  land: ['sk', 'address', 'landUse'],
};

/** Adds a page of a registry's records to a tally. */
export function tallyItems(tally: Tally, registry: string, items: readonly Item[], asOf: Date): Tally {
  const classifiers = classifiersOf(registry);
  for (const item of items) {
    tally.records++;
    for (const c of classifiers) {
      const placed = c.place(item, asOf);
      if (placed === null) continue;
      if (placed === undefined) tally.unclassified++;
      else tally.add(c.indicator, placed.period, cellKey(placed.codes));
    }
  }
  return tally;
}
