/**
 * Indicator contracts: counts over a whole registry, released so that no person can be singled out.
 * An indicator contract is a contract (contracts/model.ts): it has stewards, versions, consumers, a
 * legal basis (the statistics law, never consent), retention and a rate limit, and goes through the
 * same lifecycle. Its versions also carry a structure in SDMX terms — dimensions with code lists, a
 * time period, one measure, and the observation attributes OBS_STATUS and CONF_STATUS — and the
 * statistical disclosure control that applies to every release (domain/indicators/disclosure.ts).
 */
import * as z from 'zod';

/** A name in English and Vietnamese (SDMX localised text). */
export interface Label {
  en: string;
  vi: string;
}

export interface Code {
  /** The code as released, e.g. `01`, `M`, `Y0T4` (SDMX: letters, digits, `_`, `-`). */
  id: string;
  name: Label;
}

export interface CodeList {
  /** SDMX id, e.g. `CL_PROVINCE`. */
  id: string;
  name: Label;
  codes: readonly Code[];
}

export interface Dimension {
  /** SDMX id, e.g. `PROVINCE`; also the column of the CSV and the key of an observation. */
  id: string;
  name: Label;
  codeList: CodeList;
}

/**
 * Statistical disclosure control of one indicator version. `threshold`: a cell counting fewer units
 * than this (and more than none) is suppressed (primary, CONF_STATUS A). `dominance`: for magnitude
 * measures only, the (n, k) rule: a cell where the n largest contributors make more than k of the
 * total is suppressed (CONF_STATUS O for n = 1, T for n = 2). A count of units, where every unit
 * contributes exactly one, cannot be dominated, so count indicators set a threshold only.
 */
export interface DisclosureControl {
  threshold: number;
  dominance?: { n: 1 | 2; k: number };
}

export interface IndicatorSpec {
  /** The dimensions besides time, in order; the first is the table's rows, the others its columns (see disclosure.ts). */
  dimensions: readonly Dimension[];
  /** The time period: monthly (`2026-11`) or annual (`2026`); what one period means. */
  period: { frequency: 'M' | 'A'; description: string };
  measure: { id: 'OBS_VALUE'; name: Label; unit: string };
  disclosure: DisclosureControl;
}

/** The code of the total over a dimension (SDMX's convention). */
export const TOTAL = '_T';
export const TOTAL_LABEL: Label = { en: 'Total', vi: 'Tổng số' };

/** OBS_STATUS: A normal value, M missing (withheld). CONF_STATUS: F free, A primary (small count), O/T dominance, D secondary. */
export const OBS_STATUS = ['A', 'M'] as const;
export const CONF_STATUS = ['F', 'A', 'O', 'T', 'D'] as const;
export type ConfStatus = (typeof CONF_STATUS)[number];

export const CONF_STATUS_LABELS: Readonly<Record<ConfStatus, Label>> = {
  F: { en: 'Free', vi: 'Được công bố' },
  A: { en: 'Primary confidentiality: small count', vi: 'Bảo mật sơ cấp: số lượng nhỏ' },
  O: { en: 'Primary confidentiality: dominated by one unit', vi: 'Bảo mật sơ cấp: một đơn vị chi phối' },
  T: { en: 'Primary confidentiality: dominated by two units', vi: 'Bảo mật sơ cấp: hai đơn vị chi phối' },
  D: { en: 'Secondary confidentiality: withheld so that no other cell can be recomputed', vi: 'Bảo mật thứ cấp: không công bố để ô khác không thể suy ra' },
};
export const OBS_STATUS_LABELS: Readonly<Record<(typeof OBS_STATUS)[number], Label>> = {
  A: { en: 'Normal value', vi: 'Giá trị bình thường' },
  M: { en: 'Missing value: withheld for confidentiality', vi: 'Không có giá trị: không công bố vì bảo mật' },
};

/**
 * The response of an indicator version: one observation, as a CSV row carries it. Dimension values are
 * strings here (a code of the dimension's code list); the code lists themselves are compared by
 * codeListReasons (governance.ts), because adding a code is compatible for a statistical consumer.
 */
export function observationSchema(spec: Pick<IndicatorSpec, 'dimensions'>) {
  const shape: Record<string, z.ZodType> = {};
  for (const d of spec.dimensions) shape[d.id] = z.string().describe(`${d.codeList.id} or ${TOTAL}`);
  shape.TIME_PERIOD = z.string().describe('YYYY-MM or YYYY');
  shape.OBS_VALUE = z.number().int().min(0).nullable().describe('null when withheld');
  shape.OBS_STATUS = z.enum(OBS_STATUS).describe('A normal, M withheld');
  shape.CONF_STATUS = z.enum(CONF_STATUS).describe('F free, A small count, O/T dominance, D secondary');
  return z.strictObject(shape);
}

/** The `fields` of an indicator version: every column is statistics about no one, sensitivity none. */
export function observationFields(spec: Pick<IndicatorSpec, 'dimensions'>) {
  const f = (description: string) => ({ category: 'statistics' as const, sensitivity: 'none' as const, description });
  return {
    ...Object.fromEntries(spec.dimensions.map((d) => [d.id, f(d.name.en)])),
    TIME_PERIOD: f('The period.'),
    OBS_VALUE: f('The count, when published.'),
    OBS_STATUS: f('Observation status.'),
    CONF_STATUS: f('Confidentiality status.'),
  };
}

/** An indicator has no subject: nothing about a person is asked for or answered. */
export const NO_SUBJECT = z.strictObject({});

/** The legal basis of every indicator release: official statistics from administrative data. */
export const STATISTICS_LAW = {
  instrument: 'Law on Statistics No. 89/2015/QH13, as amended by Law No. 01/2021/QH15',
  article: 'administrative data used to produce official statistics (the national statistical indicator system)',
} as const;

export const OFFICIAL_STATISTICS = {
  code: 'OFFICIAL_STATISTICS',
  description: 'Compile indicators for the Government’s direction and administration (the Government reporting information system).',
} as const;

/** The period a request names, by frequency. */
export function periodPattern(frequency: 'M' | 'A'): RegExp {
  return frequency === 'M' ? /^\d{4}-(0[1-9]|1[0-2])$/ : /^\d{4}$/;
}
