/**
 * Items of the land register's table (single-table design, keyed by `parcelId` and `sk`):
 * - the parcel (`sk = "PARCEL"`), read by `land.parcel`;
 * - one row per land user (`sk = "OWNER#<nationalId or enterpriseCode>"`) carrying `ownerId` and a copy of
 *   what a holdings list shows, so that the sparse global secondary index `byOwner` (`ownerId`,
 *   `parcelId`) answers `land.parcels-by-owner` with one query per page.
 */
import * as z from 'zod';
import { Address, IsoDate } from '../../contracts/common.ts';
import { EnterpriseCode, NationalId, ParcelId } from '../../contracts/identifiers.ts';
import { CertificateSerial, Encumbrances, LandUse, Owner } from '../../contracts/land/vocabulary.ts';

export const PARCEL_SK = 'PARCEL';
export const ownerSk = (ownerId: string) => `OWNER#${ownerId}`;

/**
 * Built on first use (`z.lazy`): each adapter serves one registry and carries every registry module, so it
 * builds only its own registry's record schemas, when it first reads (see README, Cold start).
 */
export const ParcelRecord = z.lazy(() =>
  z.strictObject({
    parcelId: ParcelId,
    sk: z.literal(PARCEL_SK),
    address: Address,
    area: z.number().positive(),
    landUse: LandUse,
    useUntil: IsoDate.nullable(),
    owners: z.array(Owner).min(1),
    certificateSerial: CertificateSerial,
    encumbrances: Encumbrances,
    lastTransactionDate: IsoDate.nullable(),
    updatedAt: z.iso.datetime(),
  }),
);
export type ParcelRecord = z.infer<typeof ParcelRecord>;

export const ParcelOwnerRow = z.lazy(() =>
  z.strictObject({
    parcelId: ParcelId,
    sk: z.string().regex(/^OWNER#/),
    ownerId: z.union([NationalId, EnterpriseCode]),
    ownerKind: z.enum(['PERSON', 'ENTERPRISE']),
    share: z.number().positive().max(100),
    address: Address,
    area: z.number().positive(),
    landUse: LandUse,
    certificateSerial: CertificateSerial,
    updatedAt: z.iso.datetime(),
  }),
);
export type ParcelOwnerRow = z.infer<typeof ParcelOwnerRow>;

/** The owner rows of a parcel (one per user). */
export function ownerRows(parcel: ParcelRecord): ParcelOwnerRow[] {
  return parcel.owners.map((o) => {
    const ownerId = o.kind === 'PERSON' ? o.nationalId : o.enterpriseCode;
    return {
      parcelId: parcel.parcelId,
      sk: ownerSk(ownerId),
      ownerId,
      ownerKind: o.kind,
      share: o.share,
      address: parcel.address,
      area: parcel.area,
      landUse: parcel.landUse,
      certificateSerial: parcel.certificateSerial,
      updatedAt: parcel.updatedAt,
    };
  });
}
