/**
 * A server on VRF_SUITE=ECVRF-SECP256K1-SHA256-TAI (issue 19) mints a raid loot item with its
 * draw's proof: one raider opens chests until one holds an item (a quarter do), and the award is
 * minted by `mintWithProof` (a LootProven event for its award id, with the outcome's beta), not
 * in a plain batch. The embedded chain's GameAssets holds the raid rules' loot table.
 */
import { join } from 'node:path';
import { Contract } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readArtifact } from '../../server/chain/artifact.ts';
import { IpcJsonRpcProvider } from '../../server/chain/ipc-rpc.ts';
import { getJson } from '../helpers/player.ts';
import { Raider } from '../helpers/raider.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

type Awards = { awards: { awardId: string; tokenId: number; status: string; txHash?: string; source: { recordHash: string } }[] };

let server: ServerProcess;
beforeAll(async () => {
  server = await startServerProcess({ env: { VRF_SUITE: 'ECVRF-SECP256K1-SHA256-TAI', MAX_MESSAGES_PER_SECOND: '200', RAID_ROUND_SECONDS: '60' } });
}, timeoutWithStarts(1, 0));
afterAll(async () => {
  await server?.stop();
});

describe('a raid loot item on the secp256k1 suite', () => {
  it('is minted with mintWithProof, under its award id, with the outcome beta', { timeout: 300_000 }, async () => {
    const raider = await Raider.join(server.url);
    let find: Awaited<ReturnType<Raider['openNearest']>>;
    for (let opened = 0; !find && opened < 40; opened++) {
      const loot = await raider.openNearest();
      if (loot?.record.result.tokenId !== undefined) find = loot;
    }
    expect(find, 'an item within 40 chests').toBeDefined();
    const minted = await waitFor(async () => {
      const { awards } = await getJson<Awards>(`${server.url}/players/${raider.address}/awards`);
      const award = awards.find((a) => a.source.recordHash === find!.recordHash);
      return award?.status === 'minted' && award;
    }, { what: 'the item minted', timeout: 60_000 });

    const { chain } = await getJson<{ chain: { gameAssets: string } }>(`${server.url}/fairness`);
    const provider = new IpcJsonRpcProvider(join(server.dataDir, 'chain', 'anvil.ipc'));
    try {
      const assets = new Contract(chain.gameAssets, readArtifact().abi as never, provider);
      const receipt = await provider.getTransactionReceipt(minted.txHash!);
      const events = receipt!.logs.map((l) => assets.interface.parseLog(l)).filter((e) => e !== null);
      const proven = events.find((e) => e.name === 'LootProven');
      expect(proven?.args.awardId).toBe('0x' + minted.awardId);
      expect(proven?.args.beta).toBe('0x' + (find!.record as unknown as { beta: string }).beta);
      expect(await assets.getFunction('balanceOf')(raider.address, minted.tokenId)).toBeGreaterThanOrEqual(1n);
      console.log(`item ${minted.tokenId} of draw ${find!.record.drawSeq} minted with its proof in ${minted.txHash}, gas ${receipt!.gasUsed}`);
    } finally {
      provider.destroy();
    }
    await raider.room.leave();
  });
});
