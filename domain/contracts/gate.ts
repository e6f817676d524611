/**
 * What a contract's versions promise, read without the registry: the gate a change passes before it
 * is proposed (`ndx contract check`: is the candidate compatible with the earlier versions of its
 * major, and does its number carry its change?), and on what basis a version is looked up.
 */
import { checkCompatibility, type CompatibilityResult, type Mode } from '../../contracts/compatibility.ts';
import { governanceProblems, type Problem } from '../../contracts/governance.ts';
import { compareSemver, majorOf, type ContractDefinition, type VersionDefinition } from '../../contracts/model.ts';

/** The newest version in code. */
export function newestVersion(c: ContractDefinition): VersionDefinition {
  const [newest] = [...c.versions].sort((a, b) => compareSemver(b.version, a.version));
  if (!newest) throw new Error(`${c.id} has no version`);
  return newest;
}

export interface Gate {
  candidate: VersionDefinition;
  /** The earlier versions of the candidate's major it was checked against. */
  against: VersionDefinition[];
  compatibility: CompatibilityResult;
  problems: Problem[];
  ok: boolean;
}

/** The candidate (default: the newest version) against every earlier version, as publishing will judge it. */
export function gate(c: ContractDefinition, candidate: VersionDefinition = newestVersion(c), mode: Mode = 'BACKWARD_TRANSITIVE'): Gate {
  const earlier = c.versions.filter((v) => compareSemver(v.version, candidate.version) < 0).sort((x, y) => compareSemver(x.version, y.version));
  const against = earlier.filter((v) => majorOf(v.version) === majorOf(candidate.version));
  const compatibility = checkCompatibility(
    candidate.response,
    against.map((v) => v.response),
    mode,
    { role: 'response' },
  );
  const problems = governanceProblems(
    c,
    candidate,
    earlier.map((v) => v.version),
    mode,
  );
  return { candidate, against, compatibility, problems, ok: compatibility.compatible && problems.length === 0 };
}

/** `legal` when a legal basis covers every consumer and purpose, `consent` when none does, else `legal+consent`. */
export function basisOf(v: VersionDefinition): 'legal' | 'consent' | 'legal+consent' {
  const pairs = v.consumers.flatMap((c) => v.purposes.map((p) => [c, p.code] as const));
  const covered = pairs.filter(([c, p]) => v.legalBases.some((b) => b.consumers.includes(c) && b.purposes.includes(p))).length;
  return covered === 0 ? 'consent' : covered === pairs.length ? 'legal' : 'legal+consent';
}
