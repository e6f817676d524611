/**
 * Projection of a registry record onto a contract version: the reply carries exactly the fields of
 * the version's response schema, validated by it, whatever else the record holds. Pure.
 */
import type { VersionDefinition } from '../../contracts/model.ts';
import type { RecordView } from './registry-source.ts';

export class ProjectionError extends Error {
  override readonly name = 'ProjectionError';
}

export function project(view: RecordView, version: VersionDefinition): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const field of Object.keys(version.response.shape)) {
    if (field in view) picked[field] = view[field];
  }
  const parsed = version.response.safeParse(picked);
  if (!parsed.success) {
    // Paths only: the values are personal data.
    throw new ProjectionError(`record does not fit ${version.version}: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  }
  return parsed.data as Record<string, unknown>;
}

/**
 * Projection of a page of records onto a list version: each item carries exactly the fields of the
 * version's item schema, and the whole reply is validated by its response schema.
 */
export function projectList(views: readonly RecordView[], version: VersionDefinition, nextPageToken?: string): Record<string, unknown> {
  if (!version.list) throw new ProjectionError(`${version.version} is not a list version`);
  const fields = Object.keys(version.list.item.shape);
  const items = views.map((view) => Object.fromEntries(fields.filter((f) => f in view).map((f) => [f, view[f]])));
  const parsed = version.response.safeParse({ items, ...(nextPageToken ? { nextPageToken } : {}) });
  if (!parsed.success) {
    throw new ProjectionError(`records do not fit ${version.version}: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  }
  return parsed.data as Record<string, unknown>;
}
