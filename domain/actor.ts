/**
 * Who made a change: an identity the front door authenticated (an IAM principal, a portal login,
 * or, on the command line, the operator it was told with `--by` or NDX_OPERATOR). Every state change
 * of a contract or a consent records one; there is no anonymous or "unknown" actor.
 */
import * as z from 'zod';

export const Actor = z
  .string()
  .trim()
  .min(1, 'an actor is required')
  .max(200, 'at most 200 characters')
  .refine((s) => !/^(unknown|anonymous|undefined|null)$/i.test(s), 'not an identity')
  .brand<'Actor'>();
export type Actor = z.infer<typeof Actor>;

export class ActorError extends Error {
  override readonly name = 'ActorError';
}

/** The actor a front door names, or an ActorError saying what is missing. */
export function actorOf(value: string | undefined): Actor {
  const parsed = Actor.safeParse(value ?? '');
  if (!parsed.success) throw new ActorError(`who is acting is not known (${parsed.error.issues[0]?.message ?? 'invalid'}): every change records an identity`);
  return parsed.data;
}
