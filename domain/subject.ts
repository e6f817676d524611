/**
 * What a subject (the key a contract looks a person or a record up by) must be before anything is
 * done with it: for a contract version, exactly the keys of its subject schema, each a valid
 * identifier; for a citizen's trail or consents (no contract named), the subject of some contract.
 * A mistyped key or identifier is refused, never hashed into a lookup that finds nothing.
 */
import type * as z from 'zod';
import { CONTRACTS } from '../contracts/catalog.ts';
import type { ContractDefinition, VersionDefinition } from '../contracts/model.ts';

export type Subject = Record<string, string>;

export class SubjectError extends Error {
  override readonly name = 'SubjectError';
}

/** `subject.nationalId: a 12-digit …` for each issue: positions and rules, never the values. */
function describe(issues: readonly z.core.$ZodIssue[]): string {
  const text = (i: z.core.$ZodIssue) =>
    i.code === 'unrecognized_keys'
      ? `not a key of this subject (${i.keys.join(', ')})`
      : i.code === 'invalid_type' && /received undefined/.test(i.message)
        ? 'missing'
        : i.message;
  return issues.map((i) => `${i.path.length ? i.path.join('.') : 'subject'}: ${text(i)}`).join('; ');
}

const keysOf = (v: VersionDefinition) => Object.keys(v.subject.shape);

/** The subject as the contract version defines it, or a SubjectError naming each key that is wrong and why. */
export function subjectFor(version: VersionDefinition, contractId: string, subject: Readonly<Subject>): Subject {
  const parsed = version.subject.safeParse(subject);
  if (parsed.success) return parsed.data as Subject;
  throw new SubjectError(`not a subject of ${contractId}@${version.version} (it takes ${keysOf(version).join(' + ')}): ${describe(parsed.error.issues)}`);
}

/** The subject of some contract (a citizen's trail and consents span contracts), or a SubjectError saying which keys exist and what a valid one looks like. */
export function knownSubject(subject: Readonly<Subject>, contracts: readonly ContractDefinition[] = CONTRACTS): Subject {
  const versions = contracts.flatMap((c) => c.versions.map((v) => ({ id: c.id, v })));
  for (const { v } of versions) {
    const parsed = v.subject.safeParse(subject);
    if (parsed.success) return parsed.data as Subject;
  }
  const given = Object.keys(subject).sort().join('+');
  const sameKeys = versions.find(({ v }) => [...keysOf(v)].sort().join('+') === given);
  if (sameKeys) throw new SubjectError(`not a valid subject: ${describe(sameKeys.v.subject.safeParse(subject).error?.issues ?? [])}`);
  const known = [...new Set(versions.map(({ v }) => keysOf(v).join(' + ')))];
  throw new SubjectError(`no contract looks anything up by ${given || 'nothing'}; subjects are ${known.join(', ')}`);
}
