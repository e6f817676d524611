/** Every contract ndx knows, by id. Adding a contract is adding its module here. */
import type { ContractDefinition } from './model.ts';
import { identityVerification } from './population/identity-verification.ts';
import { residence } from './population/residence.ts';

export const CONTRACTS: readonly ContractDefinition[] = [identityVerification, residence];

const byId = new Map(CONTRACTS.map((c) => [c.id, c]));

export function findContract(id: string): ContractDefinition | undefined {
  return byId.get(id);
}
