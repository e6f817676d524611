/** The HTTP API's OpenAPI document: generated from the zod schemas, valid, Redocly-clean, and naming every route the API serves. */
import { describe, expect, it } from 'vitest';
import { apiOpenApi } from '../../contracts/http-openapi.ts';
import { redoclyProblems, swaggerProblems } from './export-support.ts';

const doc = apiOpenApi([{ url: '/', description: 'this endpoint' }]);

describe('GET /v1/openapi.json', () => {
  it('is valid OpenAPI 3.1 with no finding of Redocly’s recommended rules', async () => {
    expect([...(await swaggerProblems(doc)), ...(await redoclyProblems(doc))]).toEqual([]);
  });

  it('describes every route of the API, all but the document itself behind the agency token', () => {
    const paths = doc.paths as Record<string, Record<string, { security?: unknown[] }>>;
    expect(Object.keys(paths).sort()).toEqual([
      '/v1/contracts',
      '/v1/contracts/{id}/versions/{version}',
      '/v1/indicators',
      '/v1/lookups',
      '/v1/lookups/batch',
      '/v1/lookups/{requestId}',
      '/v1/me',
      '/v1/openapi.json',
    ]);
    expect(paths['/v1/openapi.json']?.get?.security).toEqual([]);
    expect(doc.security).toEqual([{ agencyToken: [] }]);
  });

  it('takes its schemas from zod: the request refuses unknown properties, the problem names its codes', () => {
    const schemas = (doc.components as { schemas: Record<string, { additionalProperties?: unknown; properties?: Record<string, { enum?: string[] }> }> })
      .schemas;
    expect(schemas.LookupRequest?.additionalProperties).toBe(false);
    expect(schemas.Problem?.properties?.code?.enum).toContain('UNAUTHENTICATED');
    expect(schemas.IndicatorRequest?.additionalProperties).toBe(false);
    expect(schemas.IndicatorReply?.properties?.code?.enum).toContain('PERIOD_NOT_AVAILABLE');
  });
});
