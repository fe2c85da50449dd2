/**
 * The server on another chain (CHAIN_RPC_URL) and the courts it is told of: a REVEAL_COURT_ADDRESS
 * bound to another GameAssets is refused at start with a clear error (its receipts would promise a
 * bond of another token); EARLIER_COURT_ADDRESSES are listed in /fairness `chain.court.earlier`
 * (the embedded chain's test, hostile-bond-deployment.test.ts, shows a case answered at one).
 */
import { Contract, ContractFactory, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readArtifact } from '../../server/chain/artifact.ts';
import { startExternalChain, type ExternalChain } from '../helpers/external-chain.ts';
import { getJson } from '../helpers/player.ts';
import { startServerProcess, timeoutWithStarts } from '../helpers/server-process.ts';

let chain: ExternalChain;

beforeAll(async () => {
  chain = await startExternalChain();
});
afterAll(async () => {
  await chain?.stop();
});

/** A bonded court deployed by the chain's admin, bound to `assets`, its ANSWER_ROLE granted to the server's fairness key. */
async function deployCourt(assets: string): Promise<string> {
  const admin = await chain.provider.getSigner(0);
  const { abi, bytecode } = readArtifact('RevealCourt');
  const deployed = await (await new ContractFactory(abi as never, bytecode, admin).deploy(chain.env.FAIRNESS_REGISTRY_ADDRESS, assets, 1, 21_600, 604_800, await admin.getAddress())).waitForDeployment();
  const court = new Contract(await deployed.getAddress(), abi as never, admin);
  await (await court.getFunction('grantRole')(await court.getFunction('ANSWER_ROLE')(), new Wallet(chain.env.FAIRNESS_KEY!).address)).wait();
  return court.getAddress();
}

describe('the reveal courts named on another chain', () => {
  it('refuses a REVEAL_COURT_ADDRESS bound to another GameAssets', { timeout: timeoutWithStarts(1, 30_000) }, async () => {
    const elsewhere = await deployCourt(chain.env.FAIRNESS_REGISTRY_ADDRESS!); // any contract but the server's GameAssets
    await expect(startServerProcess({ env: { ...chain.env, REVEAL_COURT_ADDRESS: elsewhere } })).rejects.toThrow(
      /REVEAL_COURT_ADDRESS 0x[0-9a-fA-F]{40} is not a court of this server's contracts: assets\(\) is 0x[0-9a-f]{40}, not/,
    );
  });

  it('lists EARLIER_COURT_ADDRESSES in /fairness', { timeout: timeoutWithStarts(1, 30_000) }, async () => {
    const earlier = await deployCourt(chain.env.GAME_ASSETS_ADDRESS!);
    // Bonded by a transfer of coins from a holder: the admin mints them to itself under a minter role of its own.
    const admin = await chain.provider.getSigner(0);
    const assets = chain.assets.connect(admin) as Contract;
    const role = await assets.getFunction('MINTER_ROLE')();
    await (await assets.getFunction('grantRole')(role, await admin.getAddress())).wait();
    await (await assets.getFunction('mintAwards')([earlier], [1], [10_000n], ['0x' + '77'.repeat(32)])).wait();
    await (await assets.getFunction('revokeRole')(role, await admin.getAddress())).wait();

    const server = await startServerProcess({ env: { ...chain.env, EARLIER_COURT_ADDRESSES: earlier} });
    try {
      const f = await getJson<{ chain: { court: { address: string; earlier: string[] } } }>(`${server.url}/fairness`);
      expect(f.chain.court).toMatchObject({ address: chain.env.REVEAL_COURT_ADDRESS, earlier: [earlier] });
      // Its ANSWER_ROLE is held: no warning that its cases would be claimed.
      expect(server.logs.join('')).not.toMatch(/lacks ANSWER_ROLE at an earlier reveal court/);
      expect(server.logs.join('')).not.toMatch(/withdrawal delay is shorter/);
    } finally {
      await server.stop();
    }
  });
});
