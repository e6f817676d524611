/**
 * Records of the business register. In its table (keyed by `enterpriseCode` and `sk`):
 * - the enterprise or branch (`sk = "PROFILE"`), read by `business.enterprise-profile`;
 * - one row per legal representative (`sk = "REP#<nationalId>"`) with `representativeId` and what a list
 *   shows, so that the sparse index `byRepresentative` (`representativeId`, `enterpriseCode`) answers
 *   `business.enterprises-by-representative`.
 * An agency system serving the register over HTTP answers the same records without `sk` and
 * `representativeId` (see registries/http-source.ts).
 */
import * as z from 'zod';
import { Address, IsoDate } from '../../contracts/common.ts';
import { EnterpriseCode, NationalId } from '../../contracts/identifiers.ts';
import { EnterpriseStatus, EnterpriseType, Industry, Position } from '../../contracts/business/vocabulary.ts';

export const PROFILE_SK = 'PROFILE';
export const repSk = (nationalId: string) => `REP#${nationalId}`;

/**
 * Built on first use (`z.lazy`): each adapter serves one registry and carries every registry module, so it
 * builds only its own registry's record schemas, when it first reads (see README, Cold start). The table's
 * items extend what the register answers over HTTP (one definition each; an adapter reads through one source).
 */
const enterpriseProfile = () =>
  z.strictObject({
    enterpriseCode: EnterpriseCode,
    name: z.string().min(1),
    foreignName: z.string().nullable(),
    type: EnterpriseType,
    status: EnterpriseStatus,
    registeredCapital: z.number().int().min(0),
    headOffice: Address,
    legalRepresentatives: z.array(z.strictObject({ nationalId: NationalId, fullName: z.string(), position: Position })),
    foundedOn: IsoDate,
    mainIndustry: Industry,
    parentEnterpriseCode: EnterpriseCode.nullable(),
    updatedAt: z.iso.datetime(),
  });
const representation = () =>
  z.strictObject({
    enterpriseCode: EnterpriseCode,
    name: z.string(),
    type: EnterpriseType,
    status: EnterpriseStatus,
    position: Position,
    since: IsoDate,
    updatedAt: z.iso.datetime(),
  });

export const EnterpriseProfile = z.lazy(enterpriseProfile);
export type EnterpriseProfile = z.infer<typeof EnterpriseProfile>;

export const EnterpriseItem = z.lazy(() => enterpriseProfile().extend({ sk: z.literal(PROFILE_SK) }));

/** A legal representation, as a list shows it. */
export const Representation = z.lazy(representation);
export type Representation = z.infer<typeof Representation>;

export const RepresentationItem = z.lazy(() => representation().extend({ sk: z.string().regex(/^REP#/), representativeId: NationalId }));
export type RepresentationItem = z.infer<typeof RepresentationItem>;

/** The representation rows of an enterprise (one per legal representative). */
export function representations(e: EnterpriseProfile): RepresentationItem[] {
  return e.legalRepresentatives.map((r) => ({
    enterpriseCode: e.enterpriseCode,
    sk: repSk(r.nationalId),
    representativeId: r.nationalId,
    name: e.name,
    type: e.type,
    status: e.status,
    position: r.position,
    since: e.foundedOn,
    updatedAt: e.updatedAt,
  }));
}
