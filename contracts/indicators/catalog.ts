/** Every indicator contract ndx knows, by id. Adding one is adding its module here. */
import { enterprisesRegistered } from '../business/enterprises-registered.ts';
import { parcelsByLandUse } from '../land/parcels-by-land-use.ts';
import { livingPopulation } from '../population/living-population.ts';
import { participants } from '../social-insurance/participants.ts';
import type { IndicatorDefinition } from './define.ts';

export const INDICATORS: readonly IndicatorDefinition[] = [livingPopulation, enterprisesRegistered, participants, parcelsByLandUse];

const byId = new Map(INDICATORS.map((c) => [c.id, c]));

export function findIndicator(id: string): IndicatorDefinition | undefined {
  return byId.get(id);
}
