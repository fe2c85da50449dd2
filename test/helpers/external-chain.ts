/**
 * A chain the server does not run: an anvil node with GameAssets deployed by an admin, every
 * token configured and MINTER_ROLE granted to a fresh minter key, and the fairness registry and
 * court deployed with their roles granted to a fresh fairness key, the court bonded with
 * COURT_BOND coins (minted to it by the admin), as an operator would set up a public chain
 * for CHAIN_RPC_URL. The server's VRF key, signer and rules are not registered: the operator does
 * that once the server's keys exist.
 */
import { Contract, ContractFactory, Wallet, id, type JsonRpcProvider } from 'ethers';
import { TOKEN_IDS } from '../../server/awards/tokens.ts';
import { startAnvil } from '../../server/chain/anvil.ts';
import { rpcProvider } from '../../server/chain/chain.ts';
import { readArtifact } from '../../server/chain/artifact.ts';

/** The coins the court holds as its bond: the helper's coin cap per player. */
export const COURT_BOND = 1_000_000n;
/** The court's withdrawal delay, in seconds. */
export const COURT_WITHDRAW_DELAY = 604_800;

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
  const fairness = Wallet.createRandom();
  await provider.send('anvil_setBalance', [fairness.address, '0x3635c9adc5dea00000']);
  const deploy = async (name: 'FairnessRegistry' | 'RevealCourt', ...args: unknown[]): Promise<Contract> => {
    const artifact = readArtifact(name);
    const contract = await (await new ContractFactory(artifact.abi as never, artifact.bytecode, admin).deploy(...args)).waitForDeployment();
    return new Contract(await contract.getAddress(), artifact.abi as never, admin);
  };
  const registry = await deploy('FairnessRegistry', await admin.getAddress(), 86_400);
  const court = await deploy('RevealCourt', await registry.getAddress(), gameAssets, 1, 21_600, COURT_WITHDRAW_DELAY, await admin.getAddress());
  await (await registry.getFunction('grantRole')(await registry.getFunction('ANCHOR_ROLE')(), fairness.address)).wait();
  await (await court.getFunction('grantRole')(await court.getFunction('ANSWER_ROLE')(), fairness.address)).wait();
  const courtAddress = (await court.getAddress()).toLowerCase();
  // The admin mints the bond under a minter role of its own for the one mint: the minter key's nonces stay the server's.
  const minterRole = await assets.getFunction('MINTER_ROLE')();
  await (await assets.getFunction('grantRole')(minterRole, await admin.getAddress())).wait();
  await (await assets.getFunction('mintAwards')([courtAddress], [1], [COURT_BOND], [id(`fairplay-court-bond:${courtAddress}`)])).wait();
  await (await assets.getFunction('revokeRole')(minterRole, await admin.getAddress())).wait();
  return {
    url: node.url,
    provider,
    assets,
    minterKey: minter.privateKey,
    minterAddress: minter.address,
    env: {
      CHAIN_RPC_URL: node.url,
      GAME_ASSETS_ADDRESS: gameAssets,
      MINTER_KEY: minter.privateKey,
      FAIRNESS_REGISTRY_ADDRESS: await registry.getAddress(),
      REVEAL_COURT_ADDRESS: await court.getAddress(),
      FAIRNESS_KEY: fairness.privateKey,
    },
    async stop() {
      provider.destroy();
      await node.stop();
    },
  };
}
