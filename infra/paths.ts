/** Filesystem locations the CDK app needs: the repository root, for entries and the lock file. */
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

/** Absolute path of the repository root (the directory holding package.json and cdk.json). */
export const repoRoot: string = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Absolute path of a file given relative to the repository root. */
export function fromRoot(relative: string): string {
  return path.join(repoRoot, relative);
}
