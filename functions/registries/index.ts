/** Registry modules by id; the adapter picks its own with NDX_REGISTRY_ID. */
import type { RegistryModule } from './types.ts';
import { population } from './population/index.ts';

export const REGISTRIES: Readonly<Record<string, RegistryModule>> = { population };
