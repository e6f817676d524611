/**
 * The fingerprint of a version's published content: its JSON Schemas and its terms. The contract
 * registry keeps it at proposal and publication, so an edit of a published version in code is caught.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { VersionDefinition } from './model.ts';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value as object).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

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
    ...(v.list ? { list: { query: v.list.query, defaultPageSize: v.list.defaultPageSize, maxPageSize: v.list.maxPageSize } } : {}),
  };
}

const memo = new WeakMap<VersionDefinition, string>();

export function versionDigest(v: VersionDefinition): string {
  let d = memo.get(v);
  if (!d) {
    d = `sha256:${createHash('sha256').update(JSON.stringify(canonical(publishedContent(v)))).digest('hex')}`;
    memo.set(v, d);
  }
  return d;
}
