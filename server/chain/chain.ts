/**
 * The chain awards are minted on. By default the server runs its own node (anvil, loopback only,
 * state in `${DATA_DIR}/chain`) and deploys GameAssets there on first start; with
 * `CHAIN_RPC_URL` and `GAME_ASSETS_ADDRESS` it uses any EVM chain and an existing deployment.
 * @module
 */
import { join } from 'node:path';
import { Contract, JsonRpcProvider, Wallet } from 'ethers';
import type { Logger } from 'pino';
import { COIN_TOKEN_ID } from '../awards/tokens.ts';
import type { Config } from '../config.ts';
import { startAnvil, type AnvilNode } from './anvil.ts';
import { readArtifact } from './compile.ts';
import { ensureGameAssets } from './deployment.ts';

export interface Chain {
  readonly chainId: string;
  readonly gameAssets: string;
  /** The embedded node's loopback JSON-RPC URL (undefined on an external chain). */
  readonly embeddedRpcUrl: string | undefined;
  /** GameAssets connected to the minter's wallet. */
  readonly contract: Contract;
  readonly provider: JsonRpcProvider;
  /** The minter key's wallet: only the award minter sends with it. */
  readonly minter: Wallet;
  close(): Promise<void>;
}

export interface ChainKeys {
  readonly minterKey: string;
  readonly vrfKey: { readonly keyId: string; readonly suite: string; readonly publicKey: string };
}

/**
 * A JSON-RPC provider for the minter: no network probe per call, no cached reads (a cached
 * pending nonce breaks back-to-back sends), and no request batching (ethers holds each request
 * 10 ms to batch it, which made every mint transaction wait ~60 ms on a local node).
 */
export function rpcProvider(url: string): JsonRpcProvider {
  return new JsonRpcProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 });
}

export async function startChain(config: Config, keys: ChainKeys, log: Logger): Promise<Chain> {
  let node: AnvilNode | undefined;
  const url = config.chainRpcUrl ?? (node = await startAnvil({ stateFile: join(config.dataDir, 'chain', 'anvil-state.json') })).url;
  const provider = rpcProvider(url);
  try {
    const minter = new Wallet(keys.minterKey, provider);
    let contract: Contract;
    if (config.chainRpcUrl) {
      const address = config.gameAssetsAddress!;
      if ((await provider.getCode(address)) === '0x') throw new Error(`no contract at GAME_ASSETS_ADDRESS ${address}`);
      contract = new Contract(address, readArtifact().abi as never, minter);
      const isMinter = (await contract.getFunction('hasRole')(await contract.getFunction('MINTER_ROLE')(), minter.address)) as boolean;
      if (!isMinter) log.warn({ minter: minter.address }, 'the minter key has no MINTER_ROLE on GameAssets: awards will wait in the outbox');
      const registered = (await contract.getFunction('vrfKey')('0x' + keys.vrfKey.keyId)) as { publicKey: string };
      if (registered.publicKey === '0x')
        log.warn({ keyId: keys.vrfKey.keyId }, "the VRF key is not in GameAssets' key registry: register it so that auditors find it on chain (README: Another chain)");
      else if (registered.publicKey.toLowerCase() !== '0x' + keys.vrfKey.publicKey.toLowerCase())
        throw new Error(`GameAssets registers key id ${keys.vrfKey.keyId} with another public key`);
    } else {
      // The embedded chain's minter is also its admin; anvil funds it.
      await provider.send('anvil_setBalance', [minter.address, '0x3635c9adc5dea00000']); // 1000 ether
      const deployment = await ensureGameAssets(provider, minter, {
        recordFile: join(config.dataDir, 'chain', 'deployment.json'),
        uri: `${config.publicUrl}/assets/{id}.json`,
        epochSeconds: config.awardEpochSeconds,
        tokens: [{ id: COIN_TOKEN_ID, epochCap: BigInt(config.coinEpochCap), playerEpochCap: BigInt(config.coinPlayerEpochCap) }],
        minter: minter.address,
        vrfKey: keys.vrfKey,
      });
      contract = deployment.contract;
      if (deployment.fresh) log.info({ gameAssets: deployment.record.address }, 'deployed GameAssets on the embedded chain');
    }
    const chainId = (await provider.getNetwork()).chainId.toString();
    return {
      chainId,
      minter,
      gameAssets: await contract.getAddress(),
      embeddedRpcUrl: node?.url,
      contract,
      provider,
      async close() {
        provider.destroy();
        await node?.stop('SIGTERM');
      },
    };
  } catch (e) {
    provider.destroy();
    await node?.stop('SIGTERM');
    throw e;
  }
}
