/**
 * Every failure the CLI expects, as an exit code and a sentence that says what to do; never a stack
 * trace. With --json the failure is also printed on standard output as
 * `{"error": {"code": "<EXIT name>", "message": "...", "details"?: ...}}` (the sentence goes to
 * standard error either way).
 */
import { ZodError } from 'zod';
import { LifecycleError } from '../contracts/lifecycle.ts';
import { EndpointConfigError } from '../config/endpoint.ts';
import { ActorError } from '../domain/actor.ts';
import { ConsentNotFoundError, ConsentTermsError, ConsentTransitionError } from '../domain/consent/service.ts';
import { GovernanceError, NoVersionError } from '../domain/contracts/lifecycle-service.ts';
import { SubjectError } from '../domain/subject.ts';
import { explainAwsError, type Target } from './aws.ts';
import { EXIT } from './exit-codes.ts';

/** A mistake in how the command was called: exit code 2 and a hint. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The platform refused what was asked (exit code 8). */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';
  readonly details: unknown;
  constructor(message: string, details?: unknown) {
    super(message);
    this.details = details;
  }
}

/** What was asked for is not there (exit code 3). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** An outcome with its own exit code (e.g. no reply within --timeout: 7), already worded. */
export class ExitError extends Error {
  override readonly name = 'ExitError';
  readonly exit: number;
  constructor(message: string, exit: number) {
    super(message);
    this.exit = exit;
  }
}

export interface Failure {
  exit: number;
  code: keyof typeof EXIT;
  message: string;
  details?: unknown;
}

const nameOf = (exit: number) => (Object.keys(EXIT) as (keyof typeof EXIT)[]).find((k) => EXIT[k] === exit) ?? 'FAILURE';

/** The exit code and sentence of an error. */
export function failureOf(error: unknown, target?: Target): Failure {
  const f = (exit: number, message: string, details?: unknown): Failure => ({
    exit,
    code: nameOf(exit),
    message,
    ...(details === undefined ? {} : { details }),
  });
  if (error instanceof ExitError) return f(error.exit, error.message);
  if (error instanceof UsageError || error instanceof ActorError || error instanceof EndpointConfigError || error instanceof SubjectError)
    return f(EXIT.USAGE, error.message);
  if (error instanceof ConsentTermsError || error instanceof NoVersionError) return f(EXIT.USAGE, error.message);
  if (error instanceof GovernanceError) return f(EXIT.REFUSED, `refused: ${error.message}`, error.problems);
  if (error instanceof RefusedError) return f(EXIT.REFUSED, `refused: ${error.message}`, error.details);
  if (error instanceof LifecycleError || error instanceof ConsentTransitionError) return f(EXIT.REFUSED, `refused: ${error.message}`);
  if (error instanceof NotFoundError || error instanceof ConsentNotFoundError) return f(EXIT.NOT_FOUND, error.message);
  if (error instanceof ZodError)
    return f(EXIT.USAGE, `the configuration is not valid: ${error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  if (target) return f(EXIT.FAILURE, explainAwsError(error, target));
  const e = error as { name?: string; message?: string };
  return f(EXIT.FAILURE, `${e?.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e?.message ?? String(error)}`);
}

/** Prints the failure (JSON on stdout with --json; the sentence on stderr) and returns its exit code. */
export function report(error: unknown, json: boolean, target?: Target): number {
  const failure = failureOf(error, target);
  if (json) {
    console.log(
      JSON.stringify(
        { error: { code: failure.code, message: failure.message, ...(failure.details === undefined ? {} : { details: failure.details }) } },
        null,
        2,
      ),
    );
  }
  console.error(`ndx: ${failure.message}`);
  return failure.exit;
}
