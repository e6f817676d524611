/** The business register's vocabulary, shared by its contracts and its records. */
import * as z from 'zod';

export const ENTERPRISE_TYPES = {
  LLC_ONE_MEMBER: 'One-member limited liability company',
  LLC_MULTI_MEMBER: 'Multi-member limited liability company',
  JSC: 'Joint stock company',
  PRIVATE_ENTERPRISE: 'Private enterprise',
  PARTNERSHIP: 'Partnership',
  BRANCH: 'Branch or dependent unit of an enterprise',
} as const;
export type EnterpriseType = keyof typeof ENTERPRISE_TYPES;
export const EnterpriseType = z.enum(Object.keys(ENTERPRISE_TYPES) as [EnterpriseType, ...EnterpriseType[]]);

export const EnterpriseStatus = z
  .enum(['OPERATING', 'SUSPENDED', 'DISSOLVED', 'BANKRUPT'])
  .describe('OPERATING; SUSPENDED (business temporarily suspended); DISSOLVED; BANKRUPT.');

export const Position = z.string().min(1).describe('Title of the legal representative, e.g. "Giám đốc", "Chủ tịch Hội đồng quản trị".');

export const Industry = z.strictObject({
  code: z.string().regex(/^\d{4}$/, 'a 4-digit VSIC 2018 code'),
  name: z.string(),
});
