/** Every contract ndx knows, by id. Adding a contract is adding its module here. */
import type { ContractDefinition } from './model.ts';
import { identityVerification } from './population/identity-verification.ts';
import { residence } from './population/residence.ts';
import { parcel } from './land/parcel.ts';
import { parcelsByOwner } from './land/parcels-by-owner.ts';
import { participation } from './social-insurance/participation.ts';
import { benefits } from './social-insurance/benefits.ts';
import { enterpriseProfile } from './business/enterprise-profile.ts';
import { enterprisesByRepresentative } from './business/enterprises-by-representative.ts';

export const CONTRACTS: readonly ContractDefinition[] = [
  identityVerification,
  residence,
  parcel,
  parcelsByOwner,
  participation,
  benefits,
  enterpriseProfile,
  enterprisesByRepresentative,
];

const byId = new Map(CONTRACTS.map((c) => [c.id, c]));

export function findContract(id: string): ContractDefinition | undefined {
  return byId.get(id);
}
