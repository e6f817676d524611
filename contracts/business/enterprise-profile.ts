/**
 * business.enterprise-profile: an enterprise (or branch) of the National Business Registration
 * Portal by enterprise code: names, type, status, capital, head office, legal representatives,
 * founding date and main industry. Read by agencies under their sectoral laws and by banks for
 * customer due diligence.
 */
import * as z from 'zod';
import { defineContract, type VersionDefinition, withRateLimit } from '../model.ts';
import { Address, IsoDate, PDPL_ART_19_1_C } from '../common.ts';
import { EnterpriseCode, NationalId } from '../identifiers.ts';
import { EnterpriseStatus, EnterpriseType, Industry, Position } from './vocabulary.ts';

/** Its first version, built when the contract’s versions are first read (defineContract), never as the module loads. */
function version1(): VersionDefinition {
  const v1Response = z.strictObject({
    enterpriseCode: EnterpriseCode,
    name: z.string().describe('Name in Vietnamese.'),
    foreignName: z.string().nullable().describe('Name in a foreign language, or null.'),
    type: EnterpriseType,
    status: EnterpriseStatus,
    registeredCapital: z.number().int().min(0).describe('Charter capital in VND (0 for a branch).'),
    headOffice: Address,
    legalRepresentatives: z.array(z.strictObject({ nationalId: NationalId, fullName: z.string(), position: Position })),
    foundedOn: IsoDate,
    mainIndustry: Industry,
    parentEnterpriseCode: EnterpriseCode.nullable().describe('For a branch: the enterprise it belongs to; otherwise null.'),
  });

  /** 1.0.0: agencies pinned to it keep its terms and rate limit. */
  const v1: VersionDefinition = {
    version: '1.0.0',
    consumers: ['hanoi-land-office', 'danang-tax-office', 'hanoi-social-insurance', 'demo-commercial-bank'],
    purposes: [
      { code: 'LAND_REGISTRATION', description: 'Verify an enterprise that is a party to a land registration, or the employer of record of a party.' },
      { code: 'TAX_REGISTRATION', description: 'Verify an enterprise’s registration details at tax registration or change.' },
      { code: 'SOCIAL_INSURANCE_REGISTRATION', description: 'Verify an employer that registers or declares employees for social insurance.' },
      { code: 'CUSTOMER_DUE_DILIGENCE', description: 'Identify a corporate customer and its legal representatives before opening an account.' },
    ],
    legalBases: [
      {
        id: 'pdpl-19-1-c-land-registration',
        ...PDPL_ART_19_1_C,
        sectoral: 'Land Law No. 31/2024/QH15 (land registration)',
        consumers: ['hanoi-land-office'],
        purposes: ['LAND_REGISTRATION'],
      },
      {
        id: 'pdpl-19-1-c-tax',
        ...PDPL_ART_19_1_C,
        sectoral: 'Law on Tax Administration No. 38/2019/QH14',
        consumers: ['danang-tax-office'],
        purposes: ['TAX_REGISTRATION'],
      },
      {
        id: 'pdpl-19-1-c-social-insurance',
        ...PDPL_ART_19_1_C,
        sectoral: 'Law on Social Insurance No. 41/2024/QH15',
        consumers: ['hanoi-social-insurance'],
        purposes: ['SOCIAL_INSURANCE_REGISTRATION'],
      },
      {
        id: 'aml-cdd',
        instrument: 'Law on Anti-Money Laundering No. 14/2022/QH15',
        article: 'Customer identification by reporting entities; registration data disclosed under Law on Enterprises No. 59/2020/QH14',
        consumers: ['demo-commercial-bank'],
        purposes: ['CUSTOMER_DUE_DILIGENCE'],
      },
    ],
    retentionDays: 365 * 5,
    rateLimit: { perAgencyPerMinute: 3000 },
    subject: z.strictObject({ enterpriseCode: EnterpriseCode }),
    response: v1Response,
    fields: {
      enterpriseCode: { category: 'business', sensitivity: 'none', description: 'The enterprise code looked up.' },
      name: { category: 'business', sensitivity: 'none', description: 'Name in Vietnamese.' },
      foreignName: { category: 'business', sensitivity: 'none', description: 'Name in a foreign language.' },
      type: { category: 'business', sensitivity: 'none', description: 'Type of enterprise.' },
      status: { category: 'business', sensitivity: 'none', description: 'Legal status.' },
      registeredCapital: { category: 'business', sensitivity: 'none', description: 'Charter capital in VND.' },
      headOffice: { category: 'business', sensitivity: 'none', description: 'Head office address.' },
      legalRepresentatives: { category: 'identity', sensitivity: 'personal', description: 'Legal representatives: national ID, full name, title.' },
      foundedOn: { category: 'business', sensitivity: 'none', description: 'Date of first registration.' },
      mainIndustry: { category: 'business', sensitivity: 'none', description: 'Main industry (VSIC 2018).' },
      parentEnterpriseCode: { category: 'business', sensitivity: 'none', description: 'The parent enterprise of a branch.' },
    },
    changelog: 'First version.',
  };
  return v1;
}

export const enterpriseProfile = defineContract({
  id: 'business.enterprise-profile',
  title: 'Enterprise profile',
  description: 'Registration details of an enterprise or branch by enterprise code, including its legal representatives.',
  provider: 'business',
  stewards: ['steward@business.mof.gov.vn'],
  versions: () => {
    const v1 = version1();
    return [v1, withRateLimit(v1, '1.1.0', 19_000)];
  },
});
