/**
 * The contracts the router decides on: definitions from code joined with lifecycle state from the
 * contract registry, cached per process for a short time (a deprecation or retirement takes effect
 * within the cache lifetime; 30 s by default).
 */
import { findContract } from '../../contracts/catalog.ts';
import type { Contract, ContractDefinition } from '../../contracts/model.ts';

/** Where lifecycle state is kept (aws/contract-registry.ts): a definition joined with it, and the versions whose code no longer matches their published digest. */
export interface LifecycleSource {
  contract(definition: ContractDefinition): Promise<{ contract: Contract; tampered: string[] }>;
}

export class ContractCatalog {
  private readonly registry: LifecycleSource;
  private readonly ttlMs: number;
  private readonly find: (id: string) => ContractDefinition | undefined;
  private readonly onTampered: (contractId: string, versions: string[]) => void;
  private readonly cache = new Map<string, { at: number; contract: Promise<Contract> }>();

  constructor(options: {
    registry: LifecycleSource;
    ttlMs?: number;
    find?: (id: string) => ContractDefinition | undefined;
    onTampered?: (contractId: string, versions: string[]) => void;
  }) {
    this.registry = options.registry;
    this.ttlMs = options.ttlMs ?? 30_000;
    this.find = options.find ?? findContract;
    this.onTampered = options.onTampered ?? (() => undefined);
  }

  /** The contract with its versions' lifecycle, or undefined when no contract has this id. */
  async load(id: string, now = Date.now()): Promise<Contract | undefined> {
    const definition = this.find(id);
    if (!definition) return undefined;
    const hit = this.cache.get(id);
    if (hit && now - hit.at < this.ttlMs) return hit.contract;
    const contract = this.registry.contract(definition).then(({ contract, tampered }) => {
      if (tampered.length) this.onTampered(id, tampered);
      return contract;
    });
    contract.catch(() => this.cache.delete(id));
    this.cache.set(id, { at: now, contract });
    return contract;
  }
}
