/**
 * Projection of a registry record onto a contract version: the reply carries exactly the fields of
 * the version's response schema, validated by it, whatever else the record holds. Pure.
 */
import type { VersionDefinition } from '../../contracts/model.ts';
import type { RecordView } from '../registries/types.ts';

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
