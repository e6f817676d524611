import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES } from '../../contracts/protocol.ts';
import { readEnvelope } from '../../functions/router/envelope.ts';

const valid = {
  requestId: '3f1c8f0e-8d6b-4e0c-9d7e-2b1f5a6c7d8e',
  contract: 'population.identity-verification',
  version: '1',
  purpose: 'LAND_REGISTRATION',
  subject: { nationalId: '001203004567' },
};

describe('readEnvelope', () => {
  it('accepts a valid LookupRequest and defaults nothing it was given', () => {
    const e = readEnvelope(JSON.stringify(valid));
    expect(e).toEqual({ ok: true, request: valid });
  });

  it('defaults the version pin to major 1', () => {
    const { version: _v, ...noVersion } = valid;
    const e = readEnvelope(JSON.stringify(noVersion));
    expect(e.ok && e.request.version).toBe('1');
  });

  it.each([['not json'], ['[1,2]'], ['"a string"'], ['null'], ['']])('answers MALFORMED_MESSAGE for %j', (body) => {
    const e = readEnvelope(body);
    expect(e).toMatchObject({ ok: false, code: 'MALFORMED_MESSAGE', requestId: null });
  });

  it('answers SCHEMA_VIOLATION with paths and keeps a readable requestId', () => {
    const e = readEnvelope(JSON.stringify({ ...valid, purpose: 'lower case', extra: 1 }));
    expect(e.ok).toBe(false);
    if (e.ok) return;
    expect(e.code).toBe('SCHEMA_VIOLATION');
    expect(e.requestId).toBe(valid.requestId);
    expect(e.issues.map((i) => i.path).sort()).toEqual(['(root)', 'purpose']);
  });

  it('never copies input values into issues', () => {
    const secret = 'Nguyễn Văn Bí Mật';
    const e = readEnvelope(JSON.stringify({ ...valid, subject: { fullName: secret.repeat(10) } }));
    expect(JSON.stringify(e)).not.toContain('Bí Mật');
  });

  it('answers PAYLOAD_TOO_LARGE above the limit, at the byte not the character', () => {
    const padding = 'ệ'.repeat(MAX_REQUEST_BYTES / 3 + 10); // 3 bytes each in UTF-8
    const e = readEnvelope(JSON.stringify({ ...valid, onBehalfOf: padding }));
    expect(e).toMatchObject({ ok: false, code: 'PAYLOAD_TOO_LARGE', requestId: valid.requestId });
    expect(readEnvelope(JSON.stringify(valid), 10)).toMatchObject({ ok: false, code: 'PAYLOAD_TOO_LARGE' });
  });
});
