/** The National Population Database behind ndx: records in the registry's DynamoDB table, by national ID. */
import { documentClient } from '../../platform/clients.ts';
import { requireEnv } from '../../platform/env.ts';
import { ENV } from '../../platform/names.ts';
import { dynamoSource } from '../dynamo-source.ts';
import type { RegistryModule } from '../types.ts';
import { PopulationRecord } from './record.ts';

export const population: RegistryModule = {
  id: 'population',
  createSource(env) {
    const vars = requireEnv(env, [ENV.registryTable]);
    return dynamoSource({ doc: documentClient(), table: vars[ENV.registryTable], keyAttribute: 'nationalId', schema: PopulationRecord });
  },
};
