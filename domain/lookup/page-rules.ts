/** The page rules of list contracts, checked once by the router (admit) and again by the adapter (forward-check). Pure. */
import type { VersionDefinition } from '../../contracts/model.ts';
import type { LookupRequest } from '../../contracts/protocol.ts';
import type { Issue } from './envelope.ts';

/** A page request must suit the version: only list versions page, and no larger than they allow. */
export function checkPage(request: Pick<LookupRequest, 'page'>, version: Pick<VersionDefinition, 'list'>): Issue | undefined {
  if (!request.page) return undefined;
  if (!version.list) return { path: 'page', message: 'this contract version does not answer with pages' };
  if (request.page.size !== undefined && request.page.size > version.list.maxPageSize) {
    return { path: 'page.size', message: `at most ${version.list.maxPageSize} for this contract version` };
  }
  return undefined;
}
