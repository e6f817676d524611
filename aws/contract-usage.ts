/**
 * Who uses a contract: which agencies looked up under which versions in a time window, read from the
 * audit trail, so a steward knows whom a deprecation touches.
 */
import type { ContractUsage } from '../domain/console/steward.ts';
import type { AuditLog } from './audit-log.ts';

/** Lookups of one agency under one version in a window (the domain's ContractUsage). */
export type Usage = ContractUsage;

export async function contractUsage(audit: AuditLog, contractId: string, range: { from?: string; to?: string }): Promise<Usage[]> {
  const byKey = new Map<string, Usage>();
  const inRange = (at: string) => (!range.from || at.slice(0, 10) >= range.from) && (!range.to || at.slice(0, 10) <= range.to);
  for await (const r of audit.lookups(range)) {
    if (r.contract !== contractId || !r.version || !inRange(r.at)) continue;
    const key = `${r.consumer}@${r.version}`;
    const u = byKey.get(key) ?? { consumer: r.consumer, version: r.version, lookups: 0, ok: 0, first: r.at, last: r.at };
    u.lookups += 1;
    if (r.status === 'OK') u.ok += 1;
    if (r.at < u.first) u.first = r.at;
    if (r.at > u.last) u.last = r.at;
    byKey.set(key, u);
  }
  return [...byKey.values()].sort((a, b) => a.consumer.localeCompare(b.consumer) || a.version.localeCompare(b.version));
}
