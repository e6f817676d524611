/**
 * The part of ndx.config.ts the operators' tools watch (domain/ops/queues.ts): written into the
 * console function's environment by infra, read back by functions/console/handler.ts.
 */

/**
 * What operations need of ndx.config.ts: the agencies, the registries (and whether each reads a
 * table) and the age thresholds. An NdxConfig is one; the console function gets it as
 * NDX_OPS_TOPOLOGY (`opsTopology`).
 */
export interface OpsTopology {
  agencies: readonly { id: string }[];
  registries: readonly { id: string; source?: { kind?: string } }[];
  monitoring: { oldestMessageAgeSeconds: number; unreadReplyAgeSeconds: number };
}

/** The topology of a configuration, as plain JSON. */
export function opsTopology(config: OpsTopology): OpsTopology {
  return {
    agencies: config.agencies.map((a) => ({ id: a.id })),
    registries: config.registries.map((r) => ({ id: r.id, ...(r.source?.kind ? { source: { kind: r.source.kind } } : {}) })),
    monitoring: { oldestMessageAgeSeconds: config.monitoring.oldestMessageAgeSeconds, unreadReplyAgeSeconds: config.monitoring.unreadReplyAgeSeconds },
  };
}
