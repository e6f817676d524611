/** Subjects checked before they are hashed (a contract's own, or any contract's for a citizen's trail), and the one endpoint rule. */
import { describe, expect, it } from 'vitest';
import { findContract } from '../../contracts/catalog.ts';
import { EndpointConfigError, localPort, resolveEndpoint } from '../../config/endpoint.ts';
import { knownSubject, SubjectError, subjectFor } from '../../domain/subject.ts';

const residence = findContract('population.residence');
const VALID = '001203004567';

describe('subjects', () => {
  it('takes exactly the version’s subject, with valid identifiers', () => {
    const version = residence?.versions[0];
    if (!residence || !version) throw new Error('population.residence is in the catalogue');
    expect(subjectFor(version, residence.id, { nationalId: VALID })).toEqual({ nationalId: VALID });
    expect(() => subjectFor(version, residence.id, { nationalId: '12345' })).toThrow(/nationalId: a 12-digit/);
    expect(() => subjectFor(version, residence.id, { nationalID: VALID })).toThrow(/nationalId: missing; subject: not a key of this subject \(nationalID\)/);
    expect(() => subjectFor(version, residence.id, { nationalId: VALID, foo: 'bar' })).toThrow(/not a key of this subject \(foo\)/);
  });

  it('for a citizen’s trail: the subject of some contract, or what the subjects are', () => {
    expect(knownSubject({ nationalId: VALID })).toEqual({ nationalId: VALID });
    expect(() => knownSubject({ nationalId: '12345' })).toThrow(/not a valid subject: nationalId: a 12-digit/);
    expect(() => knownSubject({ nationalID: VALID })).toThrow(SubjectError);
    expect(() => knownSubject({ foo: 'bar' })).toThrow(/no contract looks anything up by foo; subjects are nationalId/);
  });

  it('never repeats the value it refuses', () => {
    const secret = '079999999999x';
    const error = (() => {
      try {
        knownSubject({ nationalId: secret });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).not.toContain(secret);
  });
});

describe('the endpoint rule: --endpoint, NDX_PORT, AWS configuration, the local default', () => {
  const all = { NDX_PORT: '4600', AWS_ENDPOINT_URL: 'http://aws-config:1', AWS_PROFILE: 'p' };

  it('takes each in order', () => {
    expect(resolveEndpoint({ endpoint: 'http://option:1' }, all)).toEqual({ url: 'http://option:1', source: '--endpoint' });
    expect(resolveEndpoint({}, all)).toEqual({ url: 'http://localhost:4600', source: 'NDX_PORT' });
    expect(resolveEndpoint({}, { ...all, NDX_PORT: undefined })).toEqual({ url: 'http://aws-config:1', source: 'AWS_ENDPOINT_URL' });
    expect(resolveEndpoint({}, { AWS_ENDPOINT_URL_SQS: 'http://sqs:1' })).toEqual({ url: 'http://sqs:1', source: 'AWS_ENDPOINT_URL' });
    expect(resolveEndpoint({}, { AWS_PROFILE: 'p' })).toEqual({ url: undefined, source: 'AWS_PROFILE' });
    expect(resolveEndpoint({}, {})).toEqual({ url: 'http://localhost:4566', source: 'default' });
    expect(resolveEndpoint({ aws: true }, all)).toEqual({ url: undefined, source: '--aws' });
  });

  it('refuses what it cannot use', () => {
    expect(() => resolveEndpoint({ endpoint: 'localhost:4566' }, {})).toThrow(EndpointConfigError);
    expect(() => resolveEndpoint({ endpoint: 'http://x:1', aws: true }, {})).toThrow(/not both/);
    for (const bad of ['abc', '-1', '70000', '45.5']) expect(() => localPort({ NDX_PORT: bad })).toThrow(/NDX_PORT must be a port number/);
    expect(localPort({})).toBe(4566);
    expect(localPort({ NDX_PORT: '0' })).toBe(0); // npm start: any free port
    expect(() => resolveEndpoint({}, { NDX_PORT: '0' })).toThrow(/the port it printed/);
    expect(localPort({ NDX_PORT: '4567' })).toBe(4567);
  });
});
