/**
 * The small JSON records the chain code keeps in the data directory (where its contracts are
 * deployed, whom the faucet paid): written whole to a temporary file (0600, in a 0700
 * directory) and renamed over the old one, so a crash leaves the old record or the new, never
 * half of one.
 * @module
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function writeJsonRecord(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, file);
}
