/**
 * A chain the server does not run: an anvil node with GameAssets deployed by an admin, every
 * token configured and MINTER_ROLE granted to a fresh minter key, as an operator would set up
 * a public chain for CHAIN_RPC_URL.
 */
import { Contract, ContractFactory, Wallet, type JsonRpcProvider } from 'ethers';
import { TOKEN_IDS } from '../../server/awards/tokens.ts';
import { startAnvil } from '../../server/chain/anvil.ts';
import { rpcProvider } from '../../server/chain/chain.ts';
import { readArtifact } from '../../server/chain/artifact.ts';

export interface ExternalChain {
  readonly url: string;
  readonly provider: JsonRpcProvider;
  readonly assets: Contract;
  readonly minterKey: string;
  readonly minterAddress: string;
  /** What the server needs to mint there. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startExternalChain(): Promise<ExternalChain> {
  const node = await startAnvil();
  const provider = rpcProvider(node.url);
  const minter = Wallet.createRandom();
  await provider.send('anvil_setBalance', [minter.address, '0x3635c9adc5dea00000']);
  const admin = await provider.getSigner(0);
  const { abi, bytecode } = readArtifact();
  const deployed = await (await new ContractFactory(abi as never, bytecode, admin).deploy('https://fairplay.example/assets/{id}.json', await admin.getAddress(), 86_400)).waitForDeployment();
  const assets = new Contract(await deployed.getAddress(), abi as never, admin);
  for (const id of TOKEN_IDS) await (await assets.getFunction('configureToken')(id, 1_000_000_000n, 1_000_000n)).wait();
  await (await assets.getFunction('grantRole')(await assets.getFunction('MINTER_ROLE')(), minter.address)).wait();
  const gameAssets = await assets.getAddress();
  return {
    url: node.url,
    provider,
    assets,
    minterKey: minter.privateKey,
    minterAddress: minter.address,
    env: { CHAIN_RPC_URL: node.url, GAME_ASSETS_ADDRESS: gameAssets, MINTER_KEY: minter.privateKey },
    async stop() {
      provider.destroy();
      await node.stop();
    },
  };
}
