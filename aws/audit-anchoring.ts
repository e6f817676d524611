/**
 * Taking an anchor and keeping it: verify the audit chains against the latest stored anchor, then store
 * the verified heads (audit-anchor.ts `nextAnchor`). The scheduled anchor function (AWS) and the local
 * engine (NDX_DATA_DIR) both do it this way.
 */
import { anchorRange, nextAnchor, type AuditAnchor } from '../domain/audit/anchor.ts';
import { isBroken, type BrokenPartition } from '../domain/audit/chain.ts';
import { AuditLog, auditShards } from './audit-log.ts';
import type { AnchorStore } from './anchor-store.ts';
import { documentClient } from './clients.ts';
import { FileAnchorStore } from './anchor-store.ts';
import { names } from '../config/names.ts';

export interface AnchorTaken {
  anchor: AuditAnchor;
  location: string;
  /** The anchor it was verified against, if any. */
  previous?: string;
  /** Partitions walked, and those found broken (their previous heads are kept). */
  verified: number;
  broken: BrokenPartition[];
}

/** Verifies the chains changed since the latest stored anchor against it, and stores the next anchor. */
export async function anchorNow(audit: Pick<AuditLog, 'verify'>, store: AnchorStore, now: () => Date = () => new Date()): Promise<AnchorTaken> {
  const previous = await store.latest();
  const report = await audit.verify(anchorRange(previous?.anchor), undefined, previous?.anchor);
  const anchor = nextAnchor(previous?.anchor, report.partitions, now());
  const location = await store.put(anchor);
  return {
    anchor,
    location,
    ...(previous ? { previous: previous.location } : {}),
    verified: report.partitions.length,
    broken: report.partitions.filter(isBroken),
  };
}

export interface LocalAnchoringOptions {
  /** The local data folder (NDX_DATA_DIR); anchors go to `<dataDir>/anchors/`. */
  dataDir: string;
  /** Between two anchors. @default 10 minutes */
  intervalMs?: number;
  /** Told of every anchor taken, and of failures (which never stop the engine). */
  onAnchor?: (taken: AnchorTaken) => void;
  onError?: (error: unknown) => void;
}

export interface LocalAnchoring {
  /** Takes a last anchor (after the engine has drained, before its endpoint stops) and stops. */
  stop(): Promise<AnchorTaken | undefined>;
}

/**
 * For the local engine: an anchor of the local audit trail now and then, and one on stop, kept under
 * the data folder, where `ndx audit verify` finds the latest. Call after the endpoint is up (the
 * audit table is read through the engine's endpoint).
 */
export function startLocalAnchoring(options: LocalAnchoringOptions): LocalAnchoring {
  const store = new FileAnchorStore(options.dataDir);
  const audit = new AuditLog(documentClient(), names.auditTable, { shards: auditShards(process.env) });
  let running: Promise<AnchorTaken | undefined> = Promise.resolve(undefined);
  const take = () => {
    running = running
      .catch(() => undefined)
      .then(() => anchorNow(audit, store))
      .then(
        (taken) => {
          options.onAnchor?.(taken);
          return taken;
        },
        (error: unknown) => {
          options.onError?.(error);
          return undefined;
        },
      );
    return running;
  };
  const timer = setInterval(() => void take(), options.intervalMs ?? 10 * 60_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      return take();
    },
  };
}
