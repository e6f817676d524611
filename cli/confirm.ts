/** Confirmation before something cannot be undone: `--yes` for scripts; otherwise a question on a terminal, and no terminal is a refusal. */
import { createInterface } from 'node:readline/promises';
import { UsageError } from './errors.ts';

export async function confirm(question: string, yes: boolean | undefined, input: NodeJS.ReadStream = process.stdin): Promise<boolean> {
  if (yes) return true;
  if (!input.isTTY) throw new UsageError(`${question}: no terminal to confirm on; add --yes to confirm in a script`);
  const rl = createInterface({ input, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
