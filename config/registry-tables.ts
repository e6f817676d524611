/**
 * The table design of each shipped registry, declared once: ndx.config.ts spreads it into the
 * registry's entry (so the stacks and the local engine create exactly this table), and the registry
 * module reads its table with it (registries/<id>/index.ts).
 */
export interface TableDesign {
  key: { partition: string; sort?: string };
  indexes: Array<{ name: string; partition: string; sort?: string }>;
}

/** The shipped registries, named once. */
export const REGISTRY_IDS = ['population', 'business', 'social-insurance', 'land'] as const;
export type RegistryId = (typeof REGISTRY_IDS)[number];

export const REGISTRY_TABLES: Record<RegistryId, TableDesign> = {
  population: { key: { partition: 'nationalId' }, indexes: [] },
  'social-insurance': { key: { partition: 'nationalId' }, indexes: [] },
  land: { key: { partition: 'parcelId', sort: 'sk' }, indexes: [{ name: 'byOwner', partition: 'ownerId', sort: 'parcelId' }] },
  business: {
    key: { partition: 'enterpriseCode', sort: 'sk' },
    indexes: [{ name: 'byRepresentative', partition: 'representativeId', sort: 'enterpriseCode' }],
  },
};
