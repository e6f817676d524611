/** Registry modules by id; the adapter picks its own with NDX_REGISTRY_ID. */
import type { RegistryModule } from './types.ts';
import { business } from './business/index.ts';
import { land } from './land/index.ts';
import { population } from './population/index.ts';
import { socialInsurance } from './social-insurance/index.ts';

export const REGISTRIES: Readonly<Record<string, RegistryModule>> = {
  [population.id]: population,
  [land.id]: land,
  [socialInsurance.id]: socialInsurance,
  [business.id]: business,
};
