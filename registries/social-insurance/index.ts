/** Vietnam Social Security's participants behind ndx: one record per person in the registry's DynamoDB table, by national ID. */
import { tableByNationalId } from '../table-only.ts';
import type { RegistryModule } from '../types.ts';
import { SocialInsuranceRecord } from './record.ts';

export const socialInsurance: RegistryModule = tableByNationalId('social-insurance', SocialInsuranceRecord);
