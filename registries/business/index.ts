/**
 * The National Business Registration Portal behind ndx. Its records are either in the registry's
 * DynamoDB table (see record.ts for the design) or served by the portal's own system over HTTP, when
 * ndx.config.ts gives the registry `source: { kind: 'http', url }`. The HTTP paths it calls:
 * - `GET <url>/enterprises/<enterpriseCode>`: an enterprise or branch (`EnterpriseProfile`);
 * - `GET <url>/representatives/<nationalId>/enterprises?limit=N[&cursor=C]`: `{ items: Representation[], next? }`.
 */
import { documentClient } from '../../aws/clients.ts';
import { requireEnv } from '../../config/env.ts';
import { ENV } from '../../config/names.ts';
import { dynamoSource } from '../dynamo-source.ts';
import { httpSource } from '../http-source.ts';
import { httpSettings } from '../source.ts';
import type { RegistryModule } from '../types.ts';
import { EnterpriseItem, EnterpriseProfile, PROFILE_SK, Representation, RepresentationItem } from './record.ts';
import { REGISTRY_TABLES } from '../../config/registry-tables.ts';

export const BUSINESS_HTTP_PATHS = {
  enterprise: (enterpriseCode: string) => `/enterprises/${encodeURIComponent(enterpriseCode)}`,
  enterprisesOf: (nationalId: string) => `/representatives/${encodeURIComponent(nationalId)}/enterprises`,
} as const;

export const business: RegistryModule = {
  id: 'business',
  table: REGISTRY_TABLES.business,
  queries: ['enterprises-by-representative'],
  http: true,
  createSource(env) {
    const http = httpSettings(env);
    if (http) {
      return httpSource({
        ...http,
        recordPath: (s) => (s.enterpriseCode ? BUSINESS_HTTP_PATHS.enterprise(s.enterpriseCode) : undefined),
        schema: EnterpriseProfile,
        queries: {
          'enterprises-by-representative': {
            path: (s) => (s.nationalId ? BUSINESS_HTTP_PATHS.enterprisesOf(s.nationalId) : undefined),
            schema: Representation,
          },
        },
      });
    }
    const vars = requireEnv(env, [ENV.registryTable]);
    return dynamoSource({
      doc: documentClient(),
      table: vars[ENV.registryTable],
      key: this.table.key,
      keyOf: (s) => (s.enterpriseCode ? { enterpriseCode: s.enterpriseCode, sk: PROFILE_SK } : undefined),
      schema: EnterpriseItem,
      queries: {
        'enterprises-by-representative': {
          index: 'byRepresentative',
          indexKey: { partition: 'representativeId', sort: 'enterpriseCode' },
          partitionOf: (s) => s.nationalId,
          schema: RepresentationItem,
        },
      },
    });
  },
};
