/**
 * One engine per data folder: LevelDB (under dynalite) locks NDX_DATA_DIR, and a second engine on
 * it would fail later, deep inside a request, with a stack trace. Checked before starting instead.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

/** Throws a DataDirInUseError, saying what to do, when another process holds the folder's database. */
export async function assertDataDirFree(dir: string): Promise<void> {
  if (!existsSync(join(dir, 'LOCK'))) return;
  const db = new ClassicLevel(dir, { createIfMissing: false });
  try {
    await db.open();
  } catch (error) {
    const code = (error as { cause?: { code?: string }; code?: string }).cause?.code ?? (error as { code?: string }).code;
    if (code === 'LEVEL_LOCKED') throw new DataDirInUseError(`another ndx is using ${dir}; stop it or pick another NDX_DATA_DIR`);
    throw error;
  } finally {
    await db.close();
  }
}
