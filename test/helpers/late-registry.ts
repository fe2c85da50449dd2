/**
 * A FairnessRegistry of a test's own on a server's embedded chain (reached over its IPC socket),
 * registering the server's signer (or `signer`), VRF key and dice rules from now on: after every
 * receipt the server issued so far. Verifiers given it refuse those receipts (and, with another
 * signer, every receipt of the server).
 */
import { join } from 'node:path';
import { Contract, ContractFactory, Wallet } from 'ethers';
import { readArtifact } from '../../server/chain/artifact.ts';
import { IpcJsonRpcProvider } from '../../server/chain/ipc-rpc.ts';
import { getJson } from './player.ts';
import type { ServerProcess } from './server-process.ts';

export async function lateRegistry(server: ServerProcess, opts: { signer?: string } = {}): Promise<string> {
  const fairness = await getJson<{ keyId: string; suite: string; publicKey: string; receiptSigner: string; games: Record<string, { rulesHash: string }> }>(`${server.url}/fairness`);
  const node = new IpcJsonRpcProvider(join(server.dataDir, 'chain', 'anvil.ipc'));
  try {
    const admin = Wallet.createRandom().connect(node);
    await node.send('anvil_setBalance', [admin.address, '0xde0b6b3a7640000']);
    const { abi, bytecode } = readArtifact('FairnessRegistry');
    const deployed = await (await new ContractFactory(abi as never, bytecode, admin).deploy(admin.address, 86_400)).waitForDeployment();
    const registry = new Contract(await deployed.getAddress(), abi as never, admin);
    await (await registry.getFunction('registerVrfKey')(`0x${fairness.keyId}`, fairness.suite, `0x${fairness.publicKey}`)).wait();
    await (await registry.getFunction('registerSigner')(opts.signer ?? fairness.receiptSigner)).wait();
    await (await registry.getFunction('registerRules')('dice', `0x${fairness.games['dice']!.rulesHash}`)).wait();
    return await registry.getAddress();
  } finally {
    node.destroy();
  }
}
