/**
 * Coins on a server's chain for the deposit tests: the embedded chain reached over its IPC socket
 * with the server's minter key (GameAssets' admin and minter there, from the data directory),
 * coins minted to a player with a fresh award id, and a player's deposit sent from its own key.
 * The server's minter sends with the same key: call `mintCoins` only while the server mints nothing.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Contract, Wallet, type JsonRpcProvider, type TransactionReceipt } from 'ethers';
import { readArtifact } from '../../server/chain/artifact.ts';
import { IpcJsonRpcProvider } from '../../server/chain/ipc-rpc.ts';

export const COIN = 1;

export interface EmbeddedAdmin {
  readonly provider: JsonRpcProvider;
  /** GameAssets connected to the minter key (its admin and minter on the embedded chain). */
  readonly assets: Contract;
  close(): void;
}

/** The embedded chain of the server on `dataDir`, with GameAssets at `gameAssets` under the server's minter key. */
export function embeddedAdmin(dataDir: string, gameAssets: string): EmbeddedAdmin {
  const provider = new IpcJsonRpcProvider(join(dataDir, 'chain', 'anvil.ipc'));
  const key = readFileSync(join(dataDir, 'keys', 'minter.key'), 'utf8').trim().replace(/^(0x)?/, '0x');
  const assets = new Contract(gameAssets, readArtifact().abi as never, new Wallet(key, provider));
  return { provider, assets, close: () => provider.destroy() };
}

/** Mints `coins` to `to` as one award (the sender must hold MINTER_ROLE). */
export async function mintCoins(assets: Contract, to: string, coins: number): Promise<void> {
  await (await assets.getFunction('mintAwards')([to], [COIN], [coins], ['0x' + randomBytes(32).toString('hex')])).wait();
}

/** A fresh player key with gas on a node that has anvil's cheat codes. */
export async function fundedPlayer(provider: JsonRpcProvider): Promise<Wallet> {
  const player = new Wallet(Wallet.createRandom().privateKey, provider);
  await provider.send('anvil_setBalance', [player.address, '0x8ac7230489e80000']); // 10 ether
  return player;
}

/** `player` deposits `amount` of token `id`; resolves with the mined receipt (throws on a revert). */
export async function deposit(gameAssets: string, player: Wallet, id: number, amount: number): Promise<TransactionReceipt> {
  const assets = new Contract(gameAssets, readArtifact().abi as never, player);
  return (await (await assets.getFunction('deposit')(id, amount)).wait()) as TransactionReceipt;
}

/** The custom error name a call reverted with (throws if it did not revert). */
export async function revertName(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (e) {
    const data = (e as { data?: string }).data ?? (e as { info?: { error?: { data?: string } } }).info?.error?.data;
    const parsed = data ? new Contract('0x0000000000000000000000000000000000000000', readArtifact().abi as never).interface.parseError(data) : null;
    return parsed?.name ?? `unparsed revert: ${(e as Error).message.slice(0, 200)}`;
  }
  throw new Error('expected a revert');
}
