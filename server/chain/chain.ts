/**
 * The chain awards are minted on. By default the server runs its own node (anvil, in a network
 * namespace of its own and reached over an IPC socket, state in `${DATA_DIR}/chain`: see
 * node-isolation.ts) and deploys GameAssets there on first start; with
 * `CHAIN_RPC_URL` and `GAME_ASSETS_ADDRESS` it uses any EVM chain and an existing deployment.
 * @module
 */
import { join } from 'node:path';
import { Contract, JsonRpcProvider, Wallet } from 'ethers';
import type { Logger } from 'pino';
import { COIN_TOKEN_ID, ITEM_CAPS, TOKEN_IDS } from '../awards/tokens.ts';
import type { Config } from '../config.ts';
import { startAnvil, type AnvilNode, type AnvilOptions } from './anvil.ts';
import { IpcJsonRpcProvider } from './ipc-rpc.ts';
import { chooseIsolation, namespaceAvailable } from './node-isolation.ts';
import { httpRelay, ipcRelay, type RpcRelay } from './rpc-relay.ts';
import { readArtifact } from './artifact.ts';
import { ensureGameAssets, type LootTablePlan } from './deployment.ts';
import { depositsState, type DepositsState } from './deposit-support.ts';
import { attachFairness, deployFairness, type FairnessContracts, type FairnessKeys } from './fairness-setup.ts';

export interface Chain {
  readonly chainId: string;
  readonly gameAssets: string;
  /** Whether the server runs the node itself (false with CHAIN_RPC_URL). */
  readonly embedded: boolean;
  /** Whether players can deposit coins into chips here (deposit-support.ts); the deposit watcher runs unless `unavailable`. */
  readonly deposits: DepositsState;
  /** Where the server's public JSON-RPC endpoint sends what it lets through (rpc-proxy.ts). */
  readonly relay: RpcRelay;
  /** GameAssets connected to the minter's wallet. */
  readonly contract: Contract;
  /** The fairness registry and the reveal court (fairness-setup.ts). */
  readonly fairness: FairnessContracts;
  readonly provider: JsonRpcProvider;
  /** The minter key's wallet: only the award minter sends with it. */
  readonly minter: Wallet;
  /** Resolves when the chain can take transactions (at once, unless the embedded node is being restarted). */
  whenReady(): Promise<void>;
  close(): Promise<void>;
}

export interface ChainKeys {
  readonly minterKey: string;
  readonly vrfKey: { readonly keyId: string; readonly suite: string; readonly publicKey: string };
  /** Loot tables the embedded chain's GameAssets registers for `mintWithProof` (deployment.ts). */
  readonly lootTables?: readonly LootTablePlan[];
  /** What the fairness registry must hold, and the fairness key's address. */
  readonly fairness: FairnessKeys;
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
  let closing = false;
  let nodeOptions: AnvilOptions | undefined;
  if (!config.chainRpcUrl) {
    const chainDir = join(config.dataDir, 'chain');
    const isolation = chooseIsolation(namespaceAvailable(), (message) => log.warn(message));
    nodeOptions = { stateFile: join(chainDir, 'anvil-state.json'), ipcPath: join(chainDir, 'anvil.ipc'), isolation };
    node = await startAnvil(nodeOptions);
    log.info({ isolation, ipc: nodeOptions.ipcPath }, 'the embedded chain node is up');
  }
  const provider = node ? new IpcJsonRpcProvider(node.ipcPath!) : rpcProvider(config.chainRpcUrl!);
  const relay = node ? ipcRelay(node.ipcPath!) : httpRelay(config.chainRpcUrl!);
  const minter = new Wallet(keys.minterKey, provider);
  try {
    const { contract, fairness, deposits } = config.chainRpcUrl
      ? await checkExternal(config, keys, minter, log)
      : await deployEmbedded(config, keys, minter, log);
    const gameAssets = await contract.getAddress();
    warnDeposits(deposits, gameAssets, log);
    // An embedded node that dies is started again from its state file, on the same port, and
    // GameAssets deployed again if that state predates it (same deployer, same nonce: same
    // address). Until then `whenReady` holds the minter back: the deployer and the minter
    // share a key, so they must not send at the same time.
    let ready: Promise<void> = Promise.resolve();
    const supervise = (running: AnvilNode): void => {
      void running.exited.then(async () => {
        let open!: () => void;
        ready = new Promise<void>((resolve) => (open = resolve));
        try {
          let restarted: AnvilNode | undefined;
          for (let attempt = 1; !closing; attempt++) {
            try {
              if (!restarted) {
                log.error({ attempt }, 'the embedded chain node exited; starting it again from its state file');
                node = restarted = await startAnvil({ ...nodeOptions, port: running.port });
                if (closing) return await restarted.stop('SIGTERM');
              }
              const again = (await deployEmbedded(config, keys, minter, log)).contract;
              if ((await again.getAddress()) !== gameAssets)
                log.error({ gameAssets: await again.getAddress() }, 'GameAssets moved to another address: restart the server to mint there');
              return supervise(restarted);
            } catch (e) {
              log.error({ err: (e as Error).message }, 'the embedded chain is not back yet');
              await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** attempt)));
            }
          }
        } finally {
          open();
        }
      });
    };
    if (node) supervise(node);
    const chainId = (await provider.getNetwork()).chainId.toString();
    return {
      chainId,
      minter,
      gameAssets,
      embedded: node !== undefined,
      deposits,
      relay,
      contract,
      fairness,
      provider,
      whenReady: () => ready,
      async close() {
        closing = true;
        relay.close();
        provider.destroy();
        await node?.stop('SIGTERM');
      },
    };
  } catch (e) {
    closing = true;
    relay.close();
    provider.destroy();
    await node?.stop('SIGTERM');
    throw e;
  }
}

/** Says once, at start, why players cannot deposit coins (nothing when they can). */
function warnDeposits(deposits: DepositsState, gameAssets: string, log: Logger): void {
  if (deposits === 'unavailable')
    log.warn({ gameAssets, deposits }, 'GameAssets predates deposit() and awards were minted on it: it is kept, and players cannot deposit coins into chips (docs/operations.md: Deposits)');
  else if (deposits === 'closed')
    log.warn({ gameAssets, coin: COIN_TOKEN_ID, deposits }, "the coin is not depositable on GameAssets: deposits are credited once its admin calls setDepositable(1, true) (docs/operations.md: Deposits)");
}

interface Attached {
  readonly contract: Contract;
  readonly fairness: FairnessContracts;
  readonly deposits: DepositsState;
}

/** An existing deployment on another chain: there, and how far the minter key may use it. */
async function checkExternal(config: Config, keys: ChainKeys, minter: Wallet, log: Logger): Promise<Attached> {
  const address = config.gameAssetsAddress!;
  if ((await minter.provider!.getCode(address)) === '0x') throw new Error(`no contract at GAME_ASSETS_ADDRESS ${address}`);
  const contract = new Contract(address, readArtifact().abi as never, minter);
  const isMinter = (await contract.getFunction('hasRole')(await contract.getFunction('MINTER_ROLE')(), minter.address)) as boolean;
  if (!isMinter) log.warn({ minter: minter.address }, 'the minter key has no MINTER_ROLE on GameAssets: awards will wait in the outbox');
  const registered = (await contract.getFunction('vrfKey')('0x' + keys.vrfKey.keyId)) as { publicKey: string };
  if (registered.publicKey === '0x')
    log.warn({ keyId: keys.vrfKey.keyId }, "the VRF key is not in GameAssets' key registry: register it so that auditors find it on chain (README: Another chain)");
  else if (registered.publicKey.toLowerCase() !== '0x' + keys.vrfKey.publicKey.toLowerCase())
    throw new Error(`GameAssets registers key id ${keys.vrfKey.keyId} with another public key`);
  const addresses = { registry: config.fairnessRegistryAddress!, court: config.revealCourtAddress! };
  const checks = { gameAssets: address, revealWindowSeconds: config.revealCourtWindowSeconds, earlierCourts: config.earlierCourtAddresses };
  const deposits = await depositsState(contract, COIN_TOKEN_ID);
  return { contract, deposits, fairness: await attachFairness(minter.provider as JsonRpcProvider, addresses, keys.fairness, log, checks) };
}

/** GameAssets on the embedded chain, deployed if the node does not have it; the minter is its admin. */
async function deployEmbedded(config: Config, keys: ChainKeys, minter: Wallet, log: Logger): Promise<Attached> {
  const provider = minter.provider as JsonRpcProvider;
  await provider.send('anvil_setBalance', [minter.address, '0x3635c9adc5dea00000']); // 1000 ether
  const deployment = await ensureGameAssets(provider, minter, {
    recordFile: join(config.dataDir, 'chain', 'deployment.json'),
    uri: `${config.publicUrl}/assets/{id}.json`,
    epochSeconds: config.awardEpochSeconds,
    tokens: TOKEN_IDS.map((id) =>
      id === COIN_TOKEN_ID ? { id, epochCap: BigInt(config.coinEpochCap), playerEpochCap: BigInt(config.coinPlayerEpochCap) } : { id, ...ITEM_CAPS },
    ),
    minter: minter.address,
    vrfKey: keys.vrfKey,
    ...(keys.lootTables ? { lootTables: keys.lootTables } : {}),
    depositable: [COIN_TOKEN_ID],
    redeployWithoutDeposit: true,
  });
  if (deployment.replacedWithoutDeposit)
    log.warn({ replaced: deployment.replacedWithoutDeposit, gameAssets: deployment.record.address }, 'the recorded GameAssets predates deposit() and nothing was minted on it to a player: deployed the current one in its place');
  if (deployment.fresh) log.info({ gameAssets: deployment.record.address }, 'deployed GameAssets on the embedded chain');
  const fairness = await deployFairness(config, provider, minter, deployment.record.address, keys.fairness, log);
  for (const s of fairness.slots.filter((slot) => slot.pending))
    log.warn({ slot: s.slot, value: s.latest.value, from: new Date(s.latest.activeFrom * 1000).toISOString() }, 'a registered fairness change is not in force yet: verifiers refuse draws under it until then');
  return { contract: deployment.contract, fairness, deposits: deployment.deposits };
}
