/** A release as an SDMX-JSON 2.1 data message (one data set, observations keyed by code positions). Pure. */
import type { IndicatorSpec } from '../../contracts/indicators/model.ts';
import { CONF_STATUS, OBS_STATUS, TOTAL } from '../../contracts/indicators/model.ts';
import { dataStructure, SDMX_DATA_SCHEMA, SENDER } from '../../contracts/indicators/sdmx.ts';
import type { ContractDefinition, VersionDefinition } from '../../contracts/model.ts';
import type { Release } from './release.ts';

export function dataMessage(
  contract: ContractDefinition,
  version: VersionDefinition & { indicator: IndicatorSpec },
  r: Release,
  meta: { id: string; prepared: Date },
) {
  const spec = version.indicator;
  const positions = spec.dimensions.map((d) => new Map([...d.codeList.codes.map((c) => c.id), TOTAL].map((id, k) => [id, k])));
  const observations: Record<string, [number | null, number, number]> = {};
  for (const o of r.observations) {
    // Stryker disable next-line StringLiteral: no code is any fallback string, so a missing code finds no position either way
    const key = [...spec.dimensions.map((d, k) => positions[k]?.get(o.key[d.id] ?? '') ?? -1), 0];
    if (key.includes(-1)) throw new Error(`observation ${JSON.stringify(o.key)} has a code outside the structure`);
    observations[key.join(':')] = [o.value, OBS_STATUS.indexOf(o.obsStatus), CONF_STATUS.indexOf(o.confStatus)];
  }
  return {
    $schema: SDMX_DATA_SCHEMA,
    meta: { id: meta.id.replace(/[^A-Za-z0-9_@$-]/g, '_'), prepared: meta.prepared.toISOString(), contentLanguages: ['en', 'vi'], sender: SENDER },
    data: {
      structures: [dataStructure(contract, version, r.period)],
      dataSets: [{ structure: 0, action: 'Information', observations }],
    },
  };
}

/** The observations of a data message of this version (the inverse of dataMessage), for readers of a reply. */
export function observationsOf(spec: IndicatorSpec, message: unknown): Release['observations'] {
  const m = message as { data?: { dataSets?: Array<{ observations?: Record<string, [number | null, number, number]> }> } };
  const codes = spec.dimensions.map((d) => [...d.codeList.codes.map((c) => c.id), TOTAL]);
  const out: Release['observations'] = [];
  for (const [position, [value, obs, conf]] of Object.entries(m.data?.dataSets?.[0]?.observations ?? {})) {
    const at = position.split(':').map(Number);
    const key = Object.fromEntries(spec.dimensions.map((d, k) => [d.id, codes[k]?.[at[k] ?? -1] ?? '?']));
    out.push({ key, value, obsStatus: OBS_STATUS[obs] ?? 'M', confStatus: CONF_STATUS[conf] ?? 'D' });
  }
  return out;
}
