/**
 * The only way to change a contract version's lifecycle (the CLI, and later the HTTP API and the
 * console, call it): propose, withdraw, approve (a steward of the contract and a data-protection
 * officer, two different people), publish (semver as governance, contracts/governance.ts), deprecate
 * (a sunset date in the future), retire (not before the sunset unless forced, with the reason
 * recorded). Every change records who made it. The registry behind the port stores the state and
 * keeps each step atomic (aws/contract-registry.ts).
 */
import { governanceProblems, type Problem } from '../../contracts/governance.ts';
import { LifecycleError, type ApproverRole, type VersionRecord } from '../../contracts/lifecycle.ts';
import { compareSemver, type ContractDefinition, type LifecycleStatus, type VersionDefinition } from '../../contracts/model.ts';
import type { Actor } from '../actor.ts';

/** Where lifecycle state is kept: aws/contract-registry.ts on DynamoDB. Transitions are checked again there, atomically. */
export interface ContractRegistryPort {
  records(contractId: string): Promise<VersionRecord[]>;
  propose(definition: ContractDefinition, version: VersionDefinition, by: string, now?: Date): Promise<VersionRecord>;
  withdraw(definition: ContractDefinition, version: string, by: string, now?: Date): Promise<VersionRecord>;
  approve(definition: ContractDefinition, version: VersionDefinition, role: ApproverRole, by: string, now?: Date): Promise<VersionRecord>;
  publish(definition: ContractDefinition, version: VersionDefinition, by: string, now?: Date): Promise<VersionRecord>;
  deprecate(definition: ContractDefinition, version: string, sunset: string, by: string, now?: Date): Promise<VersionRecord>;
  retire(definition: ContractDefinition, version: string, by: string, now?: Date, note?: string): Promise<VersionRecord>;
}

/** Publication refused by governance: the bump does not carry the change, or the change breaks its major. */
export class GovernanceError extends LifecycleError {
  readonly problems: Problem[];
  constructor(message: string, problems: Problem[]) {
    super(message);
    this.problems = problems;
  }
}

/** Retirement before the sunset date, not forced. */
export class BeforeSunsetError extends LifecycleError {
  readonly sunset: string;
  constructor(message: string, sunset: string) {
    super(message);
    this.sunset = sunset;
  }
}

/** The registry refused a step because the version changed meanwhile (another person acted first): look again, then retry. */
export class ConcurrentChangeError extends Error {
  override readonly name: string = 'ConcurrentChangeError';
}

/** No version to act on: none was named and none is in the status the action needs. */
export class NoVersionError extends Error {
  override readonly name = 'NoVersionError';
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const PUBLISHED: readonly LifecycleStatus[] = ['active', 'deprecated', 'retired'];

/** Retiring before the sunset date: allowed only when forced, with a reason that goes on record. */
export interface EarlyRetirement {
  force: true;
  reason: string;
}

export class ContractLifecycle {
  private readonly registry: ContractRegistryPort;
  private readonly clock: () => Date;

  constructor(deps: { registry: ContractRegistryPort; clock?: () => Date }) {
    this.registry = deps.registry;
    this.clock = deps.clock ?? (() => new Date());
  }

  records(contractId: string): Promise<VersionRecord[]> {
    return this.registry.records(contractId);
  }

  async record(contractId: string, version: string): Promise<VersionRecord | undefined> {
    return (await this.records(contractId)).find((r) => r.version === version);
  }

  /** Proposes `version`, or the newest draft when none is named. */
  async propose(contract: ContractDefinition, version: VersionDefinition | undefined, by: Actor): Promise<VersionRecord> {
    const v = pick(contract, version, await this.records(contract.id), ['draft']);
    return this.registry.propose(contract, v, by, this.clock());
  }

  async withdraw(contract: ContractDefinition, version: VersionDefinition, by: Actor): Promise<VersionRecord> {
    return this.registry.withdraw(contract, version.version, by, this.clock());
  }

  /** One approval in one role; the registry refuses the same person twice and a steward who is not one of the contract's (contracts/lifecycle.ts). */
  async approve(contract: ContractDefinition, version: VersionDefinition, role: ApproverRole, by: Actor): Promise<VersionRecord> {
    return this.registry.approve(contract, version, role, by, this.clock());
  }

  /** Publishes `version` (or the newest approved one) when governance allows it against every version already published. */
  async publish(contract: ContractDefinition, version: VersionDefinition | undefined, by: Actor): Promise<VersionRecord> {
    const records = await this.records(contract.id);
    const v = pick(contract, version, records, ['approved']);
    const published = records.filter((r) => PUBLISHED.includes(r.status)).map((r) => r.version);
    const problems = governanceProblems(contract, v, published);
    if (problems.length)
      throw new GovernanceError(`${contract.id}@${v.version} cannot be published:\n  ${problems.map((p) => p.message).join('\n  ')}`, problems);
    return this.registry.publish(contract, v, by, this.clock());
  }

  /** Deprecates an active version until `sunset` (a UTC day after today), the day it stops answering. */
  async deprecate(contract: ContractDefinition, version: VersionDefinition, sunset: string, by: Actor): Promise<VersionRecord> {
    const now = this.clock();
    if (!DAY.test(sunset) || Number.isNaN(Date.parse(`${sunset}T00:00:00Z`)))
      throw new LifecycleError(`the sunset must be a UTC day (YYYY-MM-DD), got ${sunset}`);
    if (Date.parse(`${sunset}T00:00:00Z`) <= now.getTime()) throw new LifecycleError(`the sunset date ${sunset} must be in the future`);
    return this.registry.deprecate(contract, version.version, sunset, by, now);
  }

  /**
   * Retires a deprecated version. Consumers were promised answers until the sunset date, so before it
   * the retirement is refused unless forced with a reason, which the record keeps beside who forced it.
   */
  async retire(contract: ContractDefinition, version: VersionDefinition, by: Actor, early?: EarlyRetirement): Promise<VersionRecord> {
    const now = this.clock();
    const current = await this.record(contract.id, version.version);
    const sunset = current?.status === 'deprecated' ? current.sunset : undefined;
    let note: string | undefined;
    if (sunset && now.getTime() < Date.parse(`${sunset}T00:00:00Z`)) {
      const reason = early?.force ? early.reason.trim() : '';
      if (!early?.force) {
        throw new BeforeSunsetError(
          `${contract.id}@${version.version} answers until its sunset ${sunset}: consumers were promised that date. Retire it then, or force it now with a recorded reason`,
          sunset,
        );
      }
      if (!reason) throw new LifecycleError('retiring before the sunset needs a reason, for the record');
      note = `before its sunset ${sunset}: ${reason}`;
    }
    return this.registry.retire(contract, version.version, by, now, note);
  }
}

/** The version an action applies to: the one named, else the newest one in `statuses` (a version the registry does not know is a draft). */
export function pick(
  contract: ContractDefinition,
  version: VersionDefinition | undefined,
  records: readonly VersionRecord[],
  statuses: readonly LifecycleStatus[],
): VersionDefinition {
  if (version) return version;
  const state = (v: VersionDefinition) => records.find((r) => r.version === v.version)?.status ?? 'draft';
  const candidate = contract.versions.filter((v) => statuses.includes(state(v))).sort((a, b) => compareSemver(b.version, a.version))[0];
  if (!candidate) throw new NoVersionError(`${contract.id} has no ${statuses.join(' or ')} version; name one with ${contract.id}@<version>`);
  return candidate;
}
