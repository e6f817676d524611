/**
 * The fingerprint of a version's published content: its JSON Schemas and its terms. The contract
 * registry keeps it at proposal and publication, so an edit of a published version in code is caught.
 */
import * as z from 'zod';
import { digestOf } from './canonical.ts';
import type { VersionDefinition } from './model.ts';

/** The content that publication freezes, as plain JSON. */
export function publishedContent(v: VersionDefinition): unknown {
  return {
    version: v.version,
    subject: z.toJSONSchema(v.subject, { io: 'input' }),
    response: z.toJSONSchema(v.response, { io: 'output' }),
    fields: v.fields,
    consumers: [...v.consumers].sort(),
    purposes: v.purposes,
    legalBases: v.legalBases,
    retentionDays: v.retentionDays,
    rateLimit: v.rateLimit,
    // List versions: their query and page sizes are terms too (absent for single-record versions, so their digests are unchanged).
    // Indicator versions: the structure (code lists) and disclosure control are frozen too.
    ...(v.indicator ? { indicator: v.indicator } : {}),
    ...(v.list ? { list: { query: v.list.query, defaultPageSize: v.list.defaultPageSize, maxPageSize: v.list.maxPageSize } } : {}),
  };
}

const memo = new WeakMap<VersionDefinition, string>();

export function versionDigest(v: VersionDefinition): string {
  let d = memo.get(v);
  if (!d) {
    d = `sha256:${digestOf(publishedContent(v))}`;
    memo.set(v, d);
  }
  return d;
}
