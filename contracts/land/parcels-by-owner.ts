/**
 * land.parcels-by-owner: the parcels a person or an enterprise holds, a page at a time. A land office
 * checks holdings (e.g. the limits on receiving agricultural land); a bank sees them only with the
 * citizen's consent.
 */
import * as z from 'zod';
import { defineContract, type VersionDefinition, withRateLimit } from '../model.ts';
import { Address, listResponse, PDPL_ART_19_1_C } from '../common.ts';
import { ParcelId } from '../identifiers.ts';
import { CertificateSerial, LAND_TAX_BASIS, LandUse, OwnerSubject } from './vocabulary.ts';

/** Its first version, built when the contract’s versions are first read (defineContract), never as the module loads. */
function version1(): VersionDefinition {
  const v1Item = z.strictObject({
    parcelId: ParcelId,
    address: Address,
    area: z.number().positive().describe('Area in square metres.'),
    landUse: LandUse,
    share: z.number().positive().max(100).describe('Share of the parcel the subject holds, per cent.'),
    certificateSerial: CertificateSerial,
  });

  /** 1.0.0: agencies pinned to it keep its terms and rate limit. */
  const v1: VersionDefinition = {
    version: '1.0.0',
    consumers: ['hanoi-land-office', 'danang-tax-office', 'demo-commercial-bank'],
    purposes: [
      {
        code: 'LAND_REGISTRATION',
        description:
          'Check the land a party to a registration already holds, e.g. against the limits on receiving agricultural land (Land Law 2024, Art. 177).',
      },
      { code: 'LAND_TAX_ASSESSMENT', description: 'Assess land use tax over all the parcels a taxpayer holds.' },
      { code: 'LOAN_APPLICATION', description: 'Confirm the land a loan applicant declares as assets or collateral.' },
    ],
    legalBases: [
      {
        id: 'pdpl-19-1-c-land-registration',
        ...PDPL_ART_19_1_C,
        sectoral: 'Land Law No. 31/2024/QH15 (land registration; Art. 177 limits)',
        consumers: ['hanoi-land-office'],
        purposes: ['LAND_REGISTRATION'],
      },
      LAND_TAX_BASIS,
    ],
    retentionDays: 365 * 5,
    rateLimit: { perAgencyPerMinute: 1200 },
    subject: OwnerSubject,
    list: { query: 'parcels-by-owner', item: v1Item, defaultPageSize: 20, maxPageSize: 50 },
    response: listResponse(v1Item),
    fields: {
      parcelId: { category: 'land', sensitivity: 'personal', description: 'A parcel the subject holds.' },
      address: { category: 'land', sensitivity: 'personal', description: 'Where the parcel lies.' },
      area: { category: 'land', sensitivity: 'personal', description: 'Area in square metres.' },
      landUse: { category: 'land', sensitivity: 'personal', description: 'Land use category code.' },
      share: { category: 'land', sensitivity: 'personal', description: 'Share the subject holds, per cent.' },
      certificateSerial: { category: 'land', sensitivity: 'personal', description: 'Serial of the land use right certificate.' },
    },
    changelog: 'First version.',
  };
  return v1;
}

export const parcelsByOwner = defineContract({
  id: 'land.parcels-by-owner',
  title: 'Parcels by owner',
  description: 'The land parcels a person (by national ID) or an enterprise (by enterprise code) holds, with shares; paginated.',
  provider: 'land',
  stewards: ['steward@land.mae.gov.vn'],
  versions: () => {
    const v1 = version1();
    return [v1, withRateLimit(v1, '1.1.0', 7_000)];
  },
});
