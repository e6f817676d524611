/**
 * The lifecycle of a contract version, as pure rules: draft → proposed → approved → active →
 * deprecated (with a sunset date) → retired, and a proposal may go back to draft. Approval takes two
 * people in two roles: a steward of the provider and a data-protection officer.
 */
import * as z from 'zod';
import { LIFECYCLE, type LifecycleStatus } from './model.ts';

export const APPROVER_ROLES = ['steward', 'dpo'] as const;
export type ApproverRole = (typeof APPROVER_ROLES)[number];

export type Action = 'propose' | 'withdraw' | 'approve' | 'publish' | 'deprecate' | 'retire';

/** From which status each action may be taken, and where it leads. */
export const TRANSITIONS: Readonly<Record<Action, { from: readonly LifecycleStatus[]; to: LifecycleStatus }>> = {
  propose: { from: ['draft'], to: 'proposed' },
  withdraw: { from: ['proposed'], to: 'draft' },
  // `approve` stays in `proposed` until both roles have approved.
  approve: { from: ['proposed'], to: 'approved' },
  publish: { from: ['approved'], to: 'active' },
  deprecate: { from: ['active'], to: 'deprecated' },
  retire: { from: ['deprecated'], to: 'retired' },
};

export class LifecycleError extends Error {
  override readonly name = 'LifecycleError';
}

export const Approval = z.strictObject({ role: z.enum(APPROVER_ROLES), by: z.string(), at: z.iso.datetime() });
export type Approval = z.infer<typeof Approval>;

/** One change of a version's lifecycle: what was done, by whom (an identity the front door authenticated), from which status to which. */
export const LifecycleEvent = z.strictObject({
  at: z.iso.datetime(),
  action: z.string(),
  by: z.string(),
  from: z.enum(LIFECYCLE),
  to: z.enum(LIFECYCLE),
  note: z.string().optional(),
});
export type LifecycleEvent = z.infer<typeof LifecycleEvent>;

/** A version's lifecycle record as the contract registry keeps it (aws/contract-registry.ts). */
export const VersionRecord = z.strictObject({
  contractId: z.string(),
  version: z.string(),
  status: z.enum(LIFECYCLE),
  sunset: z.iso.date().optional(),
  digest: z.string(),
  approvals: z.array(Approval),
  events: z.array(LifecycleEvent),
  publishedAt: z.iso.datetime().optional(),
});
export type VersionRecord = z.infer<typeof VersionRecord>;

/** Throws a LifecycleError that says what to do when the action is not allowed from `status`. */
export function assertTransition(action: Action, status: LifecycleStatus): LifecycleStatus {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(status)) {
    const hint: Record<LifecycleStatus, string> = {
      draft: 'propose it first',
      proposed: 'it needs approval by a steward and a data-protection officer',
      approved: 'publish it',
      active: 'deprecate it first, with a sunset date',
      deprecated: 'it can only be retired',
      retired: 'a retired version never comes back; publish a new version',
    };
    throw new LifecycleError(`cannot ${action} a version that is ${status}: ${hint[status]}`);
  }
  return rule.to;
}

/**
 * Adds an approval; the same person cannot approve twice nor in both roles (four eyes), and a
 * steward must be one of the contract's stewards.
 */
export function addApproval(approvals: readonly Approval[], next: Approval, stewards: readonly string[]): { approvals: Approval[]; complete: boolean } {
  const sameRole = approvals.find((a) => a.role === next.role);
  if (sameRole) throw new LifecycleError(`already approved as ${next.role} by ${sameRole.by}`);
  if (approvals.some((a) => a.by === next.by)) throw new LifecycleError(`${next.by} already approved in another role: approval takes two people`);
  if (next.role === 'steward' && !stewards.includes(next.by)) {
    throw new LifecycleError(`${next.by} is not a steward of this contract (stewards: ${stewards.join(', ')})`);
  }
  const all = [...approvals, next];
  return { approvals: all, complete: APPROVER_ROLES.every((r) => all.some((a) => a.role === r)) };
}
