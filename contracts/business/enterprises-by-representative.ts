/**
 * business.enterprises-by-representative: the enterprises a person legally represents, a page at a
 * time. A tax department uses it in tax enforcement; a bank only with the person's consent.
 */
import * as z from 'zod';
import { defineContract, type VersionDefinition, withRateLimit } from '../model.ts';
import { IsoDate, listResponse, PDPL_ART_19_1_C } from '../common.ts';
import { EnterpriseCode, NationalId } from '../identifiers.ts';
import { EnterpriseStatus, EnterpriseType, Position } from './vocabulary.ts';

/** Its first version, built when the contract’s versions are first read (defineContract), never as the module loads. */
function version1(): VersionDefinition {
  const v1Item = z.strictObject({
    enterpriseCode: EnterpriseCode,
    name: z.string(),
    type: EnterpriseType,
    status: EnterpriseStatus,
    position: Position,
    since: IsoDate.describe('Since when the person represents the enterprise.'),
  });

  /** 1.0.0: agencies pinned to it keep its terms and rate limit. */
  const v1: VersionDefinition = {
    version: '1.0.0',
    consumers: ['danang-tax-office', 'demo-commercial-bank'],
    purposes: [
      {
        code: 'TAX_ENFORCEMENT',
        description:
          'Identify the enterprises a person represents, e.g. before suspending the exit of the legal representative of an enterprise in tax arrears.',
      },
      { code: 'LOAN_APPLICATION', description: 'Confirm the enterprises a loan applicant declares to run.' },
    ],
    legalBases: [
      {
        id: 'pdpl-19-1-c-tax-enforcement',
        ...PDPL_ART_19_1_C,
        sectoral: 'Law on Tax Administration No. 38/2019/QH14 (enforcement; exit suspension)',
        consumers: ['danang-tax-office'],
        purposes: ['TAX_ENFORCEMENT'],
      },
    ],
    retentionDays: 365 * 5,
    rateLimit: { perAgencyPerMinute: 600 },
    subject: z.strictObject({ nationalId: NationalId }),
    list: { query: 'enterprises-by-representative', item: v1Item, defaultPageSize: 10, maxPageSize: 25 },
    response: listResponse(v1Item),
    fields: {
      enterpriseCode: { category: 'business', sensitivity: 'personal', description: 'An enterprise the subject represents.' },
      name: { category: 'business', sensitivity: 'personal', description: 'Its name.' },
      type: { category: 'business', sensitivity: 'personal', description: 'Its type.' },
      status: { category: 'business', sensitivity: 'personal', description: 'Its legal status.' },
      position: { category: 'business', sensitivity: 'personal', description: 'The subject’s title there.' },
      since: { category: 'business', sensitivity: 'personal', description: 'Since when the subject represents it.' },
    },
    changelog: 'First version.',
  };
  return v1;
}

export const enterprisesByRepresentative = defineContract({
  id: 'business.enterprises-by-representative',
  title: 'Enterprises by legal representative',
  description: 'The enterprises a person (by national ID) is a legal representative of, with title and since when; paginated.',
  provider: 'business',
  stewards: ['steward@business.mof.gov.vn'],
  versions: () => {
    const v1 = version1();
    return [v1, withRateLimit(v1, '1.1.0', 5_000)];
  },
});
