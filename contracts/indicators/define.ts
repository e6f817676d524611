/** Defining indicator contracts: the structure checked once, the schemas derived from it (governance of their changes: governance.ts). */
import { defineContract, type ContractDefinition, type VersionDefinition } from '../model.ts';
import { type IndicatorSpec, NO_SUBJECT, observationFields, observationSchema, TOTAL } from './model.ts';

/** An indicator version as its module writes it: the structure and the terms; the schemas follow from the structure. */
export type IndicatorVersionInput = Omit<VersionDefinition, 'subject' | 'response' | 'fields' | 'list' | 'indicator'> & { indicator: IndicatorSpec };

export interface IndicatorDefinition extends ContractDefinition {
  versions: readonly (VersionDefinition & { indicator: IndicatorSpec })[];
}

const CODE_ID = /^[A-Za-z0-9_@$-]{1,32}$/;

/**
 * Validates an indicator contract's structure once, when its module loads; a bad definition is a bug. Its schemas
 * (the observation, from the structure) are built when its versions are first read (defineContract).
 */
export function defineIndicator(input: Omit<ContractDefinition, 'versions'> & { versions: readonly IndicatorVersionInput[] }): IndicatorDefinition {
  const problems: string[] = [];
  for (const v of input.versions) {
    const at = `${input.id}@${v.version}`;
    const spec = v.indicator;
    const dims = spec.dimensions.map((d) => d.id);
    if (dims.length < 2) problems.push(`${at}: an indicator has at least two dimensions besides time (rows and columns)`);
    if (new Set(dims).size !== dims.length) problems.push(`${at}: dimension ids repeat`);
    for (const d of spec.dimensions) {
      if (!/^[A-Z][A-Z0-9_]*$/.test(d.id) || ['TIME_PERIOD', 'OBS_VALUE', 'OBS_STATUS', 'CONF_STATUS'].includes(d.id))
        problems.push(`${at}: bad dimension id ${d.id}`);
      const ids = d.codeList.codes.map((c) => c.id);
      if (new Set(ids).size !== ids.length) problems.push(`${at}: ${d.codeList.id} repeats a code`);
      if (ids.includes(TOTAL)) problems.push(`${at}: ${d.codeList.id} may not define ${TOTAL}, the total`);
      for (const id of ids) if (!CODE_ID.test(id)) problems.push(`${at}: ${d.codeList.id} code "${id}" is not an SDMX id`);
    }
    if (!(Number.isInteger(spec.disclosure.threshold) && spec.disclosure.threshold >= 1))
      problems.push(`${at}: the threshold is a whole number of units, at least 1`);
    const dom = spec.disclosure.dominance;
    if (dom && !(dom.k > 0 && dom.k < 1)) problems.push(`${at}: dominance k is a share between 0 and 1`);
    // No consent for counts: every consumer and purpose must rest on a legal basis.
    for (const c of v.consumers)
      for (const p of v.purposes)
        if (!v.legalBases.some((b) => b.consumers.includes(c) && b.purposes.includes(p.code)))
          problems.push(`${at}: ${c} / ${p.code} has no legal basis (an indicator is released on a legal basis, never on consent)`);
  }
  if (problems.length) throw new Error(`invalid indicator ${input.id}:\n  ${problems.join('\n  ')}`);
  const versions = () =>
    input.versions.map((v) => ({
      ...v,
      subject: NO_SUBJECT,
      response: observationSchema(v.indicator),
      fields: observationFields(v.indicator),
      indicator: v.indicator,
    }));
  return defineContract({ ...input, versions }) as IndicatorDefinition;
}
