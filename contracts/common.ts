/** Building blocks shared by contract schemas. Plain structures only, so `z.toJSONSchema` can represent them. */
import * as z from 'zod';
import { PageToken } from './protocol.ts';

export const IsoDate = z.iso.date();

export const Address = z.strictObject({
  line: z.string().describe('House number, street, hamlet or residential group.'),
  commune: z.string().describe('Commune or ward (since 1 July 2025: the lower of two local levels).'),
  province: z.string().describe('Province or centrally run city.'),
});

/** The legal basis most agency-to-agency lookups rest on. */
export const PDPL_ART_19_1_C = {
  instrument: 'Law on Personal Data Protection No. 91/2025/QH15',
  article: 'Art. 19.1(c): processing to serve the activities of state agencies as provided by law',
} as const;

/** The response of a list version: a page of items and, when more follow, the token for the next page. */
export function listResponse<T extends z.ZodObject<z.ZodRawShape>>(item: T) {
  return z.strictObject({
    items: z.array(item).describe('One page of items, in a stable order.'),
    nextPageToken: PageToken.optional().describe('Present when more items follow: send it as page.token to get the next page.'),
  });
}
