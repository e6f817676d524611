/** The National Population Database behind ndx: records in the registry's DynamoDB table, by national ID. */
import { tableByNationalId } from '../table-only.ts';
import type { RegistryModule } from '../types.ts';
import { PopulationRecord } from './record.ts';

export const population: RegistryModule = tableByNationalId('population', PopulationRecord);
