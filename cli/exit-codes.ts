/** The CLI's exit codes: stable, documented in the README, for scripts. */
import type { Status } from '../contracts/protocol.ts';

export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  NOT_FOUND: 3,
  DENIED: 4,
  INVALID: 5,
  ERROR: 6,
  NO_REPLY: 7,
  /** The platform refused the operation: a lifecycle rule, a breaking change, a failed verification. */
  REFUSED: 8,
  /** `ndx ops status`: a queue or registry is unhealthy (dead letters, a stalled consumer, a missing resource). */
  UNHEALTHY: 9,
  /** `ndx lookup`: the request was answered before (ALREADY_ANSWERED); the reply points at the first answer. */
  DUPLICATE: 10,
} as const;

export function exitCodeFor(status: Status): number {
  return EXIT[status];
}
