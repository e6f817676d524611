/**
 * SDMX-JSON 2.1 documents of indicator contracts: the structure message (data structure definition,
 * code lists, concepts) of a version, exported with the contract's other documents, and the shared
 * parts of the data messages releases are written in (domain/indicators/sdmx-data.ts). Generated
 * from the contract, never written by hand; tests validate both against the official schemas
 * (sdmx-twg/sdmx-json, vendored in test/schemas/).
 */
import type { ContractDefinition, VersionDefinition } from '../model.ts';
import { CONF_STATUS, CONF_STATUS_LABELS, type IndicatorSpec, type Label, OBS_STATUS, OBS_STATUS_LABELS, TOTAL, TOTAL_LABEL } from './model.ts';

export const SDMX_DATA_SCHEMA = 'https://json.sdmx.org/2.1/sdmx-json-data-schema.json';
export const SDMX_STRUCTURE_SCHEMA = 'https://json.sdmx.org/2.1/sdmx-json-structure-schema.json';
/** The maintenance agency of ndx's SDMX artefacts. */
export const SDMX_AGENCY = 'VN_NDX';
export const SENDER = {
  id: SDMX_AGENCY,
  name: 'ndx — the national data exchange',
  names: { en: 'ndx — the national data exchange', vi: 'ndx — nền tảng trao đổi dữ liệu quốc gia' },
};

export const names = (l: Label) => ({ name: l.en, names: { en: l.en, vi: l.vi } });

/** `population.living-population` → `POPULATION_LIVING_POPULATION`. */
export const sdmxId = (contractId: string) => contractId.toUpperCase().replace(/[.-]/g, '_');

export function dsdUrn(contractId: string, version: string): string {
  return `urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=${SDMX_AGENCY}:DSD_${sdmxId(contractId)}(${version})`;
}

/** The structure of a data message: dimensions with their codes (the total last), the measure, the two attributes. */
export function dataStructure(contract: ContractDefinition, version: VersionDefinition & { indicator: IndicatorSpec }, period: string) {
  const spec = version.indicator;
  const dims = spec.dimensions.map((d, k) => ({
    id: d.id,
    ...names(d.name),
    keyPosition: k,
    values: [...d.codeList.codes, { id: TOTAL, name: TOTAL_LABEL }].map((c) => ({ id: c.id, ...names(c.name) })),
  }));
  return {
    links: [{ urn: dsdUrn(contract.id, version.version), rel: 'DataStructure' }],
    name: contract.title,
    dimensions: {
      observation: [
        ...dims,
        {
          id: 'TIME_PERIOD',
          name: 'Time period',
          names: { en: 'Time period', vi: 'Kỳ' },
          keyPosition: dims.length,
          roles: ['TIME_PERIOD'],
          values: [{ value: period }],
        },
      ],
    },
    measures: { observation: [{ id: 'OBS_VALUE', ...names(spec.measure.name) }] },
    attributes: {
      observation: [
        {
          id: 'OBS_STATUS',
          name: 'Observation status',
          names: { en: 'Observation status', vi: 'Trạng thái quan sát' },
          relationship: { observation: {} },
          values: OBS_STATUS.map((s) => ({ id: s, ...names(OBS_STATUS_LABELS[s]) })),
        },
        {
          id: 'CONF_STATUS',
          name: 'Confidentiality status',
          names: { en: 'Confidentiality status', vi: 'Trạng thái bảo mật' },
          relationship: { observation: {} },
          values: CONF_STATUS.map((s) => ({ id: s, ...names(CONF_STATUS_LABELS[s]) })),
        },
      ],
    },
    dataSets: [0],
  };
}
