/**
 * The data stewards' side of the console: the catalogue of contracts (versions and their lifecycle,
 * terms, fields), the diff between two versions, who used a contract before it is deprecated, and the
 * lifecycle actions. Who may do what is decided here, before the lifecycle service and the registry
 * (which check the transitions and the four-eyes rule again, atomically):
 *
 * - seeing the catalogue: staff with the role steward or dpo (`mayEnter(p, 'steward')`);
 * - propose, withdraw, publish, deprecate, retire: a steward of the contract, i.e. the steward role
 *   AND the signed-in e-mail among the contract's stewards;
 * - approve as steward: the same; approve as DPO: the dpo role. The registry refuses one person
 *   approving in both roles (contracts/lifecycle.ts `addApproval`).
 *
 * The actor recorded for every change is the signed-in principal's e-mail, never a form field.
 */
import { LifecycleError, TRANSITIONS, type ApproverRole, type Action as LifecycleAction, type VersionRecord } from '../../contracts/lifecycle.ts';
import { versionDiff, type VersionDiff } from '../../contracts/governance.ts';
import { compareSemver, type ContractDefinition, type LifecycleStatus, type VersionDefinition } from '../../contracts/model.ts';
import { actorOf } from '../actor.ts';
import type { ContractLifecycle, EarlyRetirement } from '../contracts/lifecycle-service.ts';
import { mayEnter, type Principal } from './principal.ts';

/** What the console offers on a version: the lifecycle's actions, approval split by the role it is given in. */
export const STEWARD_ACTIONS = ['propose', 'withdraw', 'approve-steward', 'approve-dpo', 'publish', 'deprecate', 'retire'] as const;
export type StewardAction = (typeof STEWARD_ACTIONS)[number];

export const isStewardAction = (v: unknown): v is StewardAction => (STEWARD_ACTIONS as readonly unknown[]).includes(v);

/** The lifecycle action behind a console action, and the approver's role for an approval. */
export function lifecycleActionOf(a: StewardAction): { action: LifecycleAction; role?: ApproverRole } {
  if (a === 'approve-steward') return { action: 'approve', role: 'steward' };
  if (a === 'approve-dpo') return { action: 'approve', role: 'dpo' };
  return { action: a };
}

/** Why a principal may not take an action: not staff of the catalogue at all, not a steward of this contract, not a DPO. */
export type Refusal = 'area' | 'steward-of' | 'dpo';

/** Who uses a contract (aws/contract-usage.ts): lookups of one agency under one version in a window. */
export interface ContractUsage {
  consumer: string;
  version: string;
  lookups: number;
  ok: number;
  first: string;
  last: string;
}

export interface StewardPorts {
  /** Every contract of the catalogue (contracts/catalog.ts). */
  contracts(): readonly ContractDefinition[];
  /** A contract by id; may know more than the catalogue lists (tests add their own). */
  findContract(id: string): ContractDefinition | undefined;
  /** The lifecycle service over the contract registry (domain/contracts/lifecycle-service.ts). */
  lifecycle: Pick<ContractLifecycle, 'records' | 'propose' | 'withdraw' | 'approve' | 'publish' | 'deprecate' | 'retire'>;
  /** Lookups under a contract between two UTC days, inclusive, from the audit trail (aws/contract-usage.ts). */
  usage(contractId: string, range: { from: string; to: string }): Promise<ContractUsage[]>;
  agencyName(id: string): string | undefined;
  clock?: () => Date;
}

export class StewardNotFoundError extends Error {
  override readonly name = 'StewardNotFoundError';
}

/** The principal may see the catalogue but not take this action on this contract (or may not see it at all). */
export class NotAllowedError extends Error {
  override readonly name = 'NotAllowedError';
  readonly refusal: Refusal;
  constructor(refusal: Refusal, message: string) {
    super(message);
    this.refusal = refusal;
  }
}

/** A form value the steward must correct (a day that is not one, a window the wrong way round). */
export class StewardInputError extends Error {
  override readonly name = 'StewardInputError';
  readonly field: 'sunset' | 'reason' | 'from' | 'to';
  constructor(field: StewardInputError['field'], message: string) {
    super(message);
    this.field = field;
  }
}

const sameEmail = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** A steward of the contract: the steward role and the e-mail among the contract's stewards. */
export function isStewardOf(p: Principal, contract: Pick<ContractDefinition, 'stewards'>): boolean {
  return p.kind === 'staff' && p.roles.includes('steward') && contract.stewards.some((s) => sameEmail(s, p.email));
}

/** Whether `p` may take `action` on `contract` (whatever the version's status): undefined when allowed, else why not. */
export function refusalOf(p: Principal, contract: Pick<ContractDefinition, 'stewards'>, action: StewardAction): Refusal | undefined {
  if (!inCatalogue(p)) return 'area';
  if (action === 'approve-dpo') return p.roles.includes('dpo') ? undefined : 'dpo';
  return isStewardOf(p, contract) ? undefined : 'steward-of';
}

export const mayAct = (p: Principal, contract: Pick<ContractDefinition, 'stewards'>, action: StewardAction): boolean =>
  refusalOf(p, contract, action) === undefined;

/**
 * The actions `p` may take now on a version in `status`: allowed to them, and possible from the status.
 * An approval already given in a role is not offered again in that role. Whether the same person
 * already approved in the other role is the registry's to refuse, and the console shows its refusal.
 */
export function actionsNow(p: Principal, contract: Pick<ContractDefinition, 'stewards'>, status: LifecycleStatus, record?: VersionRecord): StewardAction[] {
  return STEWARD_ACTIONS.filter((a) => {
    const { action, role } = lifecycleActionOf(a);
    if (!TRANSITIONS[action].from.includes(status)) return false;
    if (role && record?.approvals.some((x) => x.role === role)) return false;
    return mayAct(p, contract, a);
  });
}

export interface VersionState {
  definition: VersionDefinition;
  status: LifecycleStatus;
  sunset?: string;
  record?: VersionRecord;
}

export interface ContractView {
  contract: ContractDefinition;
  /** Oldest first. */
  versions: VersionState[];
  /** The signed-in principal is one of its stewards. */
  stewardOf: boolean;
  /** The name of every agency its versions name, by id. */
  agencies: Record<string, string>;
}

export interface VersionView extends VersionState {
  contract: ContractDefinition;
  actions: StewardAction[];
  /** Agency names by id, as ContractView's. */
  agencies: Record<string, string>;
}

export interface UsageView {
  contract: ContractDefinition;
  from: string;
  to: string;
  rows: Array<ContractUsage & { agencyName: string; status?: LifecycleStatus }>;
  /** Each version that was looked up, with its total. */
  versions: Array<{ version: string; lookups: number; agencies: number }>;
}

export interface DiffView {
  contract: ContractDefinition;
  diff: VersionDiff;
}

/** A UTC day written YYYY-MM-DD that exists (no 30 February): it reads back the same. */
function isDay(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/** How far back the consumers report looks by default, as `ndx contract consumers`. */
export const USAGE_DAYS = 30;
/** The longest window the report reads (the audit trail is read record by record). */
export const MAX_USAGE_DAYS = 366;

export class StewardDesk {
  private readonly ports: StewardPorts;
  private readonly clock: () => Date;

  constructor(ports: StewardPorts) {
    this.ports = ports;
    this.clock = ports.clock ?? (() => new Date());
  }

  /** Every contract with its versions' lifecycle. */
  async catalogue(p: Principal): Promise<ContractView[]> {
    requireArea(p);
    return Promise.all(this.ports.contracts().map((c) => this.view(p, c)));
  }

  async contract(p: Principal, id: string): Promise<ContractView> {
    requireArea(p);
    return this.view(p, this.find(id));
  }

  async version(p: Principal, id: string, version: string): Promise<VersionView> {
    const view = await this.contract(p, id);
    const state = view.versions.find((v) => v.definition.version === version);
    if (!state) throw new StewardNotFoundError(`${id} has no version ${version}`);
    return { ...state, contract: view.contract, actions: actionsNow(p, view.contract, state.status, state.record), agencies: view.agencies };
  }

  /** Every change from one version to another (the same as `ndx contract diff`). */
  diff(p: Principal, id: string, from: string, to: string): DiffView {
    requireArea(p);
    const contract = this.find(id);
    const a = contract.versions.find((v) => v.version === from);
    const b = contract.versions.find((v) => v.version === to);
    if (!a || !b) throw new StewardNotFoundError(`${id} has no version ${a ? to : from}`);
    return { contract, diff: versionDiff(a, b) };
  }

  /** Which agencies looked up under which versions between two UTC days (default: the last 30 days). */
  async usage(p: Principal, id: string, range: { from?: string; to?: string } = {}): Promise<UsageView> {
    requireArea(p);
    const contract = this.find(id);
    const now = this.clock();
    const to = range.to?.trim() || dayOf(now);
    const from = range.from?.trim() || dayOf(new Date(Date.parse(`${to}T00:00:00Z`) - USAGE_DAYS * 86_400_000));
    if (!isDay(to)) throw new StewardInputError('to', `not a day: ${to}`);
    if (!isDay(from)) throw new StewardInputError('from', `not a day: ${from}`);
    if (from > to) throw new StewardInputError('from', `${from} is after ${to}`);
    if (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`) > MAX_USAGE_DAYS * 86_400_000)
      throw new StewardInputError('from', `at most ${MAX_USAGE_DAYS} days at a time`);
    const [usage, view] = await Promise.all([this.ports.usage(contract.id, { from, to }), this.view(p, contract)]);
    const statusOf = (version: string) => view.versions.find((v) => v.definition.version === version)?.status;
    const versions = new Map<string, { version: string; lookups: number; agencies: number }>();
    for (const u of usage) {
      const v = versions.get(u.version) ?? { version: u.version, lookups: 0, agencies: 0 };
      v.lookups += u.lookups;
      v.agencies += 1;
      versions.set(u.version, v);
    }
    return {
      contract,
      from,
      to,
      rows: usage.map((u) => {
        const status = statusOf(u.version);
        return { ...u, agencyName: this.ports.agencyName(u.consumer) ?? u.consumer, ...(status ? { status } : {}) };
      }),
      versions: [...versions.values()].sort((a, b) => compareSemver(a.version, b.version)),
    };
  }

  /**
   * Takes a lifecycle action as the signed-in principal, after checking they may. Input: the sunset
   * day for a deprecation; for a retirement before the sunset, the reason that goes on record.
   */
  async act(p: Principal, id: string, version: string, action: StewardAction, input: { sunset?: string; reason?: string } = {}): Promise<VersionRecord> {
    requireArea(p);
    const contract = this.find(id);
    const definition = contract.versions.find((v) => v.version === version);
    if (!definition) throw new StewardNotFoundError(`${id} has no version ${version}`);
    const refusal = refusalOf(p, contract, action);
    if (refusal) throw new NotAllowedError(refusal, refusalMessage(refusal, contract));
    const by = actorOf(p.email);
    const lc = this.ports.lifecycle;
    switch (action) {
      case 'propose':
        return lc.propose(contract, definition, by);
      case 'withdraw':
        return lc.withdraw(contract, definition, by);
      case 'approve-steward':
        return lc.approve(contract, definition, 'steward', by);
      case 'approve-dpo':
        return lc.approve(contract, definition, 'dpo', by);
      case 'publish':
        return lc.publish(contract, definition, by);
      case 'deprecate': {
        const sunset = input.sunset?.trim() ?? '';
        if (!isDay(sunset)) throw new StewardInputError('sunset', `the sunset must be a day (YYYY-MM-DD), got "${sunset}"`);
        return lc.deprecate(contract, definition, sunset, by);
      }
      case 'retire': {
        const reason = input.reason?.trim() ?? '';
        if (reason.length > 500) throw new StewardInputError('reason', 'at most 500 characters');
        const early: EarlyRetirement | undefined = reason ? { force: true, reason } : undefined;
        return lc.retire(contract, definition, by, early);
      }
    }
  }

  private find(id: string): ContractDefinition {
    const contract = /^[a-z0-9][a-z0-9.-]{0,99}$/.test(id) ? this.ports.findContract(id) : undefined;
    if (!contract) throw new StewardNotFoundError(`no contract ${id}`);
    return contract;
  }

  private async view(p: Principal, contract: ContractDefinition): Promise<ContractView> {
    const records = await this.ports.lifecycle.records(contract.id);
    const versions = [...contract.versions]
      .sort((a, b) => compareSemver(a.version, b.version))
      .map((definition): VersionState => {
        const record = records.find((r) => r.version === definition.version);
        return { definition, status: record?.status ?? 'draft', ...(record?.sunset ? { sunset: record.sunset } : {}), ...(record ? { record } : {}) };
      });
    const agencies: Record<string, string> = {};
    // A legal basis names only consumers of its version (defineContract checks it).
    for (const v of contract.versions) for (const id of v.consumers) agencies[id] = this.ports.agencyName(id) ?? id;
    return { contract, versions, stewardOf: isStewardOf(p, contract), agencies };
  }
}

type Staff = Extract<Principal, { kind: 'staff' }>;

/** Staff with the steward or dpo role (mayEnter lets no citizen into the catalogue). */
const inCatalogue = (p: Principal): p is Staff => mayEnter(p, 'steward');

function requireArea(p: Principal): asserts p is Staff {
  if (!inCatalogue(p)) throw new NotAllowedError('area', refusalMessage('area'));
}

function refusalMessage(r: Refusal, c?: ContractDefinition): string {
  if (r === 'dpo') return 'approving as data-protection officer needs the dpo role';
  if (r === 'steward-of') return `only a steward of ${c?.id} may do this (stewards: ${c?.stewards.join(', ')})`;
  return 'the catalogue is for data stewards and data-protection officers';
}

/** Errors a steward can cause, whose message the console shows as it is: the lifecycle's refusals and the form's mistakes. */
export const isStewardRefusal = (e: unknown): e is LifecycleError | StewardInputError => e instanceof LifecycleError || e instanceof StewardInputError;
