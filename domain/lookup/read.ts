/**
 * What the adapter reads for an admitted lookup: one record projected onto the contract version, or,
 * for a list version, one page of items with a continuation token. Decides NOT_FOUND, and refuses
 * page requests that do not hold (a token that is not ndx's, not for this subject or contract, or
 * expired; a page larger than the contract allows) with SCHEMA_VIOLATION, before the registry is read.
 */
import { majorOf, type VersionDefinition } from '../../contracts/model.ts';
import type { ForwardedLookup } from './forwarded.ts';
import { InvalidCursorError, type Cursor, type RegistrySource, type SourcePage } from './registry-source.ts';
import { openPageToken, sealPageToken } from './page-token.ts';
import { project, projectList } from './project.ts';

export type ReadOutcome =
  | { code: 'OK'; data: Record<string, unknown>; fields: string[]; updatedAt: string }
  | { code: 'SUBJECT_NOT_FOUND' }
  | { code: 'SCHEMA_VIOLATION'; issues: Array<{ path: string; message: string }> };

const badToken = (): ReadOutcome => ({
  code: 'SCHEMA_VIOLATION',
  issues: [{ path: 'page.token', message: 'not a token ndx issued for this subject and contract, or expired; start again without it' }],
});

export async function readForContract(
  source: RegistrySource,
  lookup: ForwardedLookup,
  version: VersionDefinition,
  now: Date = new Date(),
): Promise<ReadOutcome> {
  const { request } = lookup;
  const list = version.list;
  if (!list) {
    const record = await source.get(request.subject);
    if (!record) return { code: 'SUBJECT_NOT_FOUND' };
    const data = project(record.view, version);
    return { code: 'OK', data, fields: Object.keys(data), updatedAt: record.updatedAt };
  }

  if (!source.query) throw new Error(`the registry source cannot answer list queries (${list.query})`);
  const size = request.page?.size ?? list.defaultPageSize;
  const scope = { contract: request.contract, major: majorOf(version.version), subjectHash: lookup.subjectHash };
  let after: Cursor | undefined;
  if (request.page?.token !== undefined) {
    after = openPageToken(request.page.token, scope, now);
    if (after === undefined) return badToken();
  }
  let page: SourcePage;
  try {
    page = await source.query(list.query, request.subject, { size, ...(after !== undefined ? { after } : {}) });
  } catch (error) {
    if (error instanceof InvalidCursorError) return badToken();
    throw error;
  }
  // The first page of nothing: the registry holds nothing for this subject.
  if (after === undefined && page.items.length === 0) return { code: 'SUBJECT_NOT_FOUND' };
  const next = page.next !== undefined ? sealPageToken(page.next, scope, now) : undefined;
  const data = projectList(
    page.items.map((i) => i.view),
    version,
    next,
  );
  // The latest of the items' ISO timestamps (their string order is their time order).
  const updatedAt =
    page.items
      .map((i) => i.updatedAt)
      .sort()
      .at(-1) || now.toISOString();
  return { code: 'OK', data, fields: page.items.length ? Object.keys(list.item.shape) : [], updatedAt };
}
