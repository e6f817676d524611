/** Every expected failure of the CLI as an exit code and a sentence (never a stack), and as JSON with --json. */
import * as z from 'zod';
import { describe, expect, it, vi } from 'vitest';
import { LifecycleError } from '../../contracts/lifecycle.ts';
import { EndpointConfigError } from '../../config/endpoint.ts';
import { ActorError } from '../../domain/actor.ts';
import { ConsentNotFoundError, ConsentTermsError, ConsentTransitionError } from '../../domain/consent/service.ts';
import { GovernanceError } from '../../domain/contracts/lifecycle-service.ts';
import { SubjectError } from '../../domain/subject.ts';
import { failureOf, NotFoundError, RefusedError, report, UsageError } from '../../cli/errors.ts';
import { EXIT } from '../../cli/exit-codes.ts';

describe('failures', () => {
  it('map to their exit codes', () => {
    const cases: Array<[unknown, number]> = [
      [new UsageError('u'), EXIT.USAGE],
      [new ActorError('a'), EXIT.USAGE],
      [new EndpointConfigError('e'), EXIT.USAGE],
      [new SubjectError('s'), EXIT.USAGE],
      [new ConsentTermsError('t'), EXIT.USAGE],
      [new RefusedError('r'), EXIT.REFUSED],
      [new LifecycleError('l'), EXIT.REFUSED],
      [new ConsentTransitionError('c'), EXIT.REFUSED],
      [new GovernanceError('g', [{ message: 'breaks' }]), EXIT.REFUSED],
      [new NotFoundError('n'), EXIT.NOT_FOUND],
      [new ConsentNotFoundError('n'), EXIT.NOT_FOUND],
      [new Error('boom'), EXIT.FAILURE],
    ];
    for (const [error, exit] of cases) expect(failureOf(error).exit, (error as Error).name).toBe(exit);
    expect(failureOf(new GovernanceError('g', [{ message: 'breaks' }])).details).toEqual([{ message: 'breaks' }]);
  });

  it('say what the configuration lacks', () => {
    const parsed = z.strictObject({ agencies: z.array(z.string()).min(1) }).safeParse({ agencies: [] });
    if (parsed.success) throw new Error('must fail');
    expect(failureOf(parsed.error)).toMatchObject({
      exit: EXIT.USAGE,
      code: 'USAGE',
      message: expect.stringMatching(/^the configuration is not valid: agencies: /),
    });
  });

  it('explain an endpoint that does not answer', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(failureOf(refused, { endpoint: 'http://127.0.0.1:9', source: '--endpoint', local: false }).message).toContain('npm start');
  });

  it('print JSON on stdout with --json, the sentence on stderr, and no stack', () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(report(new RefusedError('no'), true)).toBe(EXIT.REFUSED);
      expect(JSON.parse(String(out.mock.calls[0]?.[0]))).toEqual({ error: { code: 'REFUSED', message: 'refused: no' } });
      expect(String(err.mock.calls[0]?.[0])).toBe('ndx: refused: no');
      expect(report(new Error('boom'), false)).toBe(EXIT.FAILURE);
      expect(out).toHaveBeenCalledTimes(1);
      expect(String(err.mock.calls[1]?.[0])).not.toMatch(/\n\s+at /);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });
});
