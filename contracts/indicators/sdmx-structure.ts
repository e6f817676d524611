/**
 * The SDMX-JSON 2.1 structure message of an indicator version (data structure definition, code lists,
 * concept scheme), exported with the contract's other documents (`ndx contract export <id> --format sdmx`).
 * Apart from sdmx.ts so that the functions answering requests do not carry it.
 */
import type { ContractDefinition, VersionDefinition } from '../model.ts';
import { CONF_STATUS, CONF_STATUS_LABELS, type IndicatorSpec, OBS_STATUS, OBS_STATUS_LABELS, TOTAL, TOTAL_LABEL } from './model.ts';
import { names, SDMX_AGENCY, SDMX_STRUCTURE_SCHEMA, SENDER, sdmxId } from './sdmx.ts';

const ref = (kind: string, id: string, version: string) => `urn:sdmx:org.sdmx.infomodel.${kind}=${SDMX_AGENCY}:${id}(${version})`;

/** The SDMX-JSON structure message of an indicator version: its data structure definition, code lists and concepts. */
export function structureMessage(contract: ContractDefinition, version: VersionDefinition & { indicator: IndicatorSpec }, prepared: Date) {
  const spec = version.indicator;
  const v = version.version;
  const conceptScheme = `CS_${sdmxId(contract.id)}`;
  const concept = (id: string) => `urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept=${SDMX_AGENCY}:${conceptScheme}(${v}).${id}`;
  const codelistUrn = (id: string) => ref('codelist.Codelist', id, v);
  const statusLists = [
    {
      id: 'CL_OBS_STATUS',
      name: { en: 'Observation status', vi: 'Trạng thái quan sát' },
      codes: OBS_STATUS.map((s) => ({ id: s, name: OBS_STATUS_LABELS[s] })),
    },
    {
      id: 'CL_CONF_STATUS',
      name: { en: 'Confidentiality status', vi: 'Trạng thái bảo mật' },
      codes: CONF_STATUS.map((s) => ({ id: s, name: CONF_STATUS_LABELS[s] })),
    },
  ];
  const codelists = [...spec.dimensions.map((d) => ({ ...d.codeList, codes: [...d.codeList.codes, { id: TOTAL, name: TOTAL_LABEL }] })), ...statusLists];
  const concepts = [
    ...spec.dimensions.map((d) => ({ id: d.id, name: d.name })),
    { id: 'TIME_PERIOD', name: { en: 'Time period', vi: 'Kỳ' } },
    { id: 'OBS_VALUE', name: spec.measure.name },
    { id: 'OBS_STATUS', name: { en: 'Observation status', vi: 'Trạng thái quan sát' } },
    { id: 'CONF_STATUS', name: { en: 'Confidentiality status', vi: 'Trạng thái bảo mật' } },
  ];
  return {
    $schema: SDMX_STRUCTURE_SCHEMA,
    meta: {
      id: `NDX_STRUCTURE_${sdmxId(contract.id)}_${v.replace(/\./g, '_')}`,
      prepared: prepared.toISOString(),
      contentLanguages: ['en', 'vi'],
      sender: SENDER,
    },
    data: {
      dataStructures: [
        {
          id: `DSD_${sdmxId(contract.id)}`,
          agencyID: SDMX_AGENCY,
          version: v,
          ...names({ en: contract.title, vi: contract.title }),
          description: contract.description,
          dataStructureComponents: {
            dimensionList: {
              id: 'DimensionDescriptor',
              dimensions: spec.dimensions.map((d, k) => ({
                id: d.id,
                position: k,
                conceptIdentity: concept(d.id),
                localRepresentation: { enumeration: codelistUrn(d.codeList.id) },
              })),
              timeDimension: {
                id: 'TIME_PERIOD',
                conceptIdentity: concept('TIME_PERIOD'),
                localRepresentation: { format: { dataType: spec.period.frequency === 'M' ? 'GregorianYearMonth' : 'GregorianYear' } },
              },
            },
            attributeList: {
              id: 'AttributeDescriptor',
              attributes: statusLists.map((l) => ({
                id: l.id.replace('CL_', ''),
                usage: 'mandatory',
                attributeRelationship: { observation: {} },
                conceptIdentity: concept(l.id.replace('CL_', '')),
                localRepresentation: { enumeration: codelistUrn(l.id) },
              })),
            },
            measureList: {
              id: 'MeasureDescriptor',
              measures: [
                { id: 'OBS_VALUE', usage: 'optional', conceptIdentity: concept('OBS_VALUE'), localRepresentation: { format: { dataType: 'Integer' } } },
              ],
            },
          },
        },
      ],
      codelists: codelists.map((l) => ({
        id: l.id,
        agencyID: SDMX_AGENCY,
        version: v,
        ...names(l.name),
        codes: l.codes.map((c) => ({ id: c.id, ...names(c.name) })),
      })),
      conceptSchemes: [
        {
          id: conceptScheme,
          agencyID: SDMX_AGENCY,
          version: v,
          ...names({ en: `Concepts of ${contract.title}`, vi: `Khái niệm: ${contract.title}` }),
          concepts: concepts.map((c) => ({ id: c.id, ...names(c.name) })),
        },
      ],
    },
  };
}
