/**
 * The National Land Database behind ndx: parcels and their users in the registry's DynamoDB table
 * (see record.ts for the table design); `land.parcel` reads a parcel, `land.parcels-by-owner` pages
 * through the `byOwner` index.
 */
import { documentClient } from '../../aws/clients.ts';
import { requireEnv } from '../../config/env.ts';
import { ENV } from '../../config/names.ts';
import { dynamoSource } from '../dynamo-source.ts';
import { assertTableSource } from '../table-only.ts';
import type { RegistryModule } from '../types.ts';
import { PARCEL_SK, ParcelOwnerRow, ParcelRecord } from './record.ts';
import { REGISTRY_TABLES } from '../../config/registry-tables.ts';

export const land: RegistryModule = {
  id: 'land',
  table: REGISTRY_TABLES.land,
  queries: ['parcels-by-owner'],
  http: false,
  createSource(env) {
    assertTableSource(env, 'land');
    const vars = requireEnv(env, [ENV.registryTable]);
    return dynamoSource({
      doc: documentClient(),
      table: vars[ENV.registryTable],
      key: this.table.key,
      keyOf: (s) => (s.parcelId ? { parcelId: s.parcelId, sk: PARCEL_SK } : undefined),
      schema: ParcelRecord,
      queries: {
        'parcels-by-owner': {
          index: 'byOwner',
          indexKey: { partition: 'ownerId', sort: 'parcelId' },
          partitionOf: (s) => s.nationalId ?? s.enterpriseCode,
          schema: ParcelOwnerRow,
        },
      },
    });
  },
};
