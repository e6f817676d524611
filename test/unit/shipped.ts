/**
 * The shipped contracts' lifecycle as the demo deployment publishes them (synthetic/demo.ts
 * DEMO_PUBLISHED): the given lifecycle for the versions it publishes, draft for the others — e.g. the
 * 1.1.0 versions that raise rate limits for a national day, until a steward publishes them.
 */
import type { ContractDefinition, Lifecycle } from '../../contracts/model.ts';
import { DEMO_PUBLISHED } from '../../synthetic/demo.ts';

export function asShipped(d: ContractDefinition, lifecycle: Lifecycle = { status: 'active' }): Map<string, Lifecycle> {
  return new Map(d.versions.map((v) => [v.version, DEMO_PUBLISHED.includes(`${d.id}@${v.version}`) ? lifecycle : { status: 'draft' }]));
}
