/**
 * Anchors for the audit chains: the head (seq and hash) of every partition, taken at a moment and kept
 * outside the audit table (another account, a ticket, a signed e-mail, WORM storage). A hash chain
 * alone proves the order and integrity of what it holds, but not that nobody with write access removed
 * its newest records or rebuilt it with fresh hashes; checked against an anchor, both show: the
 * anchored record must still be there, with the anchored hash, and the chain must reach it.
 *
 * An anchor names no person: partition names, sequence numbers and hashes only.
 */
import * as z from 'zod';
import { parsePartition, type PartitionReport } from './chain.ts';

/** An anchor as kept and read back. Built on first use (`z.lazy`): only the anchor function and `ndx audit` read one. */
export const AuditAnchor = z.lazy(() =>
  z.object({
    kind: z.literal('ndx.audit-anchor.v1'),
    takenAt: z.iso.datetime(),
    partitions: z.array(
      z.object({
        partition: z.string().refine((p) => parsePartition(p) !== undefined, 'not an audit partition name'),
        seq: z.number().int().positive(),
        hash: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest'),
      }),
    ),
  }),
);
export type AuditAnchor = z.infer<typeof AuditAnchor>;

/** An anchor that names something other than an audit partition (one built without the AuditAnchor schema). */
export class AnchorPartitionError extends Error {
  override readonly name = 'AnchorPartitionError';
}

/** The anchor of a verification: the head of every partition that verified (broken ones are left out). */
export function anchorOf(reports: readonly PartitionReport[], takenAt: Date): AuditAnchor {
  return {
    kind: 'ndx.audit-anchor.v1',
    takenAt: takenAt.toISOString(),
    partitions: reports.flatMap((r) => (!r.broken && r.head ? [{ partition: r.partition, seq: r.head.seq, hash: r.head.hash }] : [])),
  };
}

/** The anchored heads by partition, keeping those whose day is within the range (YYYY-MM-DD, inclusive). */
export function anchoredHeads(anchor: AuditAnchor, range: { from?: string; to?: string } = {}): Map<string, { seq: number; hash: string }> {
  const heads = new Map<string, { seq: number; hash: string }>();
  for (const p of anchor.partitions) {
    const parsed = parsePartition(p.partition);
    if (!parsed) throw new AnchorPartitionError(`the anchor names "${p.partition}", which is not an audit partition name`);
    const { day } = parsed;
    if ((range.from && day < range.from) || (range.to && day > range.to)) continue;
    const seen = heads.get(p.partition);
    // Two entries for one partition (anchors merged by hand): the later head holds the earlier one.
    if (!seen || p.seq > seen.seq) heads.set(p.partition, { seq: p.seq, hash: p.hash });
  }
  return heads;
}

/**
 * The anchor to keep after a verification of `range` against `previous`: the verified heads of the
 * partitions walked, and the previous anchor's heads of every partition not walked or found broken
 * (a broken chain never moves its anchored head: the last head known good stays the reference).
 */
export function nextAnchor(previous: AuditAnchor | undefined, reports: readonly PartitionReport[], takenAt: Date): AuditAnchor {
  const heads = new Map<string, { seq: number; hash: string }>(previous ? anchoredHeads(previous) : []);
  for (const r of reports) if (!r.broken && r.head) heads.set(r.partition, r.head);
  return {
    kind: 'ndx.audit-anchor.v1',
    takenAt: takenAt.toISOString(),
    partitions: [...heads.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([partition, h]) => ({ partition, seq: h.seq, hash: h.hash })),
  };
}

/**
 * The days a scheduled anchor re-verifies after `previous`: from the day before it was taken (a
 * lookup's record is chained by the lookup's day, and a retried lookup may be recorded hours later),
 * to the end. Earlier partitions keep their anchored heads. Without a previous anchor: everything.
 */
export function anchorRange(previous: AuditAnchor | undefined): { from?: string } {
  if (!previous) return {};
  return { from: new Date(Date.parse(previous.takenAt) - 86_400_000).toISOString().slice(0, 10) };
}
