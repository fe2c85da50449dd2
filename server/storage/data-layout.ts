/**
 * Where each journal lives in DATA_DIR. One process keeps its journals at the top. In a
 * cluster every process shares DATA_DIR and owns what it writes under `nodes/<NODE_ID>/`, so
 * no file has two writers; keys and the minter's log (one writer at a time, by lease) stay shared
 * at the top. Rooms and their transcripts, the indexes over them (used commitments, players'
 * draws) and the chip ledger are in the database (`server/db/`): `fairplay.db` here, or Postgres.
 * @module
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface DataLayout {
  readonly awards: string;
  readonly mints: string;
  /** Where cluster processes keep their own journals; undefined for one process. */
  readonly nodesDir: string | undefined;
}

export function dataLayout(dataDir: string, clusterNodeId?: string): DataLayout {
  const shared = { mints: join(dataDir, 'mints.jsonl') };
  if (clusterNodeId === undefined)
    return {
      ...shared,
      awards: join(dataDir, 'awards.jsonl'),
      nodesDir: undefined,
    };
  const own = nodeFiles(join(dataDir, 'nodes'), clusterNodeId);
  return { ...shared, ...own, nodesDir: join(dataDir, 'nodes') };
}

/** The NODE_IDs of the other processes that have written to `nodesDir`. */
export async function peerIds(nodesDir: string, ownId: string): Promise<string[]> {
  const entries = await readdir(nodesDir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && e.name !== ownId).map((e) => e.name);
}

/** The journals a cluster process owns. */
export function nodeFiles(nodesDir: string, nodeId: string): Pick<DataLayout, 'awards'> {
  const dir = join(nodesDir, nodeId);
  return { awards: join(dir, 'awards.jsonl') };
}
