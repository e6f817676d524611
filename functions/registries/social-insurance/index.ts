/** Vietnam Social Security's participants behind ndx: one record per person in the registry's DynamoDB table, by national ID. */
import { documentClient } from '../../platform/clients.ts';
import { requireEnv } from '../../platform/env.ts';
import { ENV } from '../../platform/names.ts';
import { dynamoSource } from '../dynamo-source.ts';
import { assertTableSource } from '../table-only.ts';
import type { RegistryModule } from '../types.ts';
import { SocialInsuranceRecord } from './record.ts';

export const socialInsurance: RegistryModule = {
  id: 'social-insurance',
  table: { key: { partition: 'nationalId' }, indexes: [] },
  queries: [],
  http: false,
  createSource(env) {
    assertTableSource(env, 'social-insurance');
    const vars = requireEnv(env, [ENV.registryTable]);
    return dynamoSource({
      doc: documentClient(),
      table: vars[ENV.registryTable],
      key: this.table.key,
      keyOf: (s) => (s.nationalId ? { nationalId: s.nationalId } : undefined),
      schema: SocialInsuranceRecord,
    });
  },
};
