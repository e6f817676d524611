/**
 * Who is signed in to the console, and where they may go. A person is a citizen (known to ndx only by
 * the keyed hash of their national ID, never the ID itself) or a member of staff (an e-mail address
 * and the roles their identity provider's groups give them). The roles are the console's only
 * authorization: every page and every action asks `mayEnter` or `mayAct` first.
 */
import * as z from 'zod';
import { NationalId } from '../../contracts/identifiers.ts';
import { STAFF_GROUPS } from '../../config/names.ts';
import type { SubjectHasher } from '../subject-hash.ts';

/** Staff roles, from the identity provider's groups (Cognito groups of the same names). */
export const STAFF_ROLES = STAFF_GROUPS;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const Principal = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('citizen'), subjectHash: z.string().regex(/^[0-9a-f]{64}$/) }),
  z.strictObject({ kind: z.literal('staff'), email: z.email(), roles: z.array(z.enum(STAFF_ROLES)).min(1) }),
]);
export type Principal = z.infer<typeof Principal>;

/** The console's three areas. */
export const AREAS = ['citizen', 'steward', 'operator', 'indicators'] as const;
export type Area = (typeof AREAS)[number];

/** Whether a principal may see an area at all: citizens their own page only; stewards and DPOs the catalogue; operators the desk. */
export function mayEnter(p: Principal, area: Area): boolean {
  if (area === 'citizen') return p.kind === 'citizen';
  if (p.kind !== 'staff') return false;
  if (area === 'steward') return p.roles.includes('steward') || p.roles.includes('dpo');
  // Officials of the reporting agency read the indicator dashboard (counts, never records).
  if (area === 'indicators') return p.roles.includes('official');
  return p.roles.includes('operator');
}

/** The area a principal lands on after signing in. */
export function homeOf(p: Principal): Area {
  if (p.kind === 'citizen') return 'citizen';
  if (p.roles.includes('steward') || p.roles.includes('dpo')) return 'steward';
  return p.roles.includes('operator') ? 'operator' : 'indicators';
}

/** How an identity provider's ID token names the person: where the groups and the citizen's national ID are. */
export interface ClaimNames {
  /** @default 'cognito:groups' */
  groups: string;
  /** The claim carrying a citizen's national ID (12 digits). @default 'custom:national_id' */
  nationalId: string;
}

export const DEFAULT_CLAIMS: ClaimNames = { groups: 'cognito:groups', nationalId: 'custom:national_id' };

export class SignInRefusedError extends Error {
  override readonly name = 'SignInRefusedError';
}

/**
 * The principal of a verified ID token. Staff: at least one staff group and a verified e-mail. A
 * citizen: a valid national ID, hashed at once (the console keeps only the hash). Anything else is
 * refused: a token with neither says nothing ndx can act on.
 */
export function principalOf(claims: Readonly<Record<string, unknown>>, hashSubject: SubjectHasher, names: ClaimNames = DEFAULT_CLAIMS): Principal {
  const groups = claims[names.groups];
  const roles = Array.isArray(groups) ? STAFF_ROLES.filter((r) => groups.includes(r)) : [];
  if (roles.length > 0) {
    const email = z.email().safeParse(claims.email);
    if (!email.success) throw new SignInRefusedError('a staff identity needs an e-mail address');
    if (claims.email_verified === false) throw new SignInRefusedError('a staff identity needs a verified e-mail address');
    return { kind: 'staff', email: email.data.toLowerCase(), roles };
  }
  const id = NationalId.safeParse(claims[names.nationalId]);
  if (id.success) return { kind: 'citizen', subjectHash: hashSubject({ nationalId: id.data }) };
  throw new SignInRefusedError('the identity is neither a citizen (no national ID) nor a member of staff (no staff group)');
}
