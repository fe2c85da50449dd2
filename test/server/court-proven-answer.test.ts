/**
 * The whole server on the suite the chain checks (VRF_SUITE=ECVRF-SECP256K1-SHA256-TAI), voiding
 * each draw after its player revealed (FAIRPLAY_TEST_WITHHOLD=void-revealed-answered), so its
 * court watcher answers the case: the court marks it proven, the server's answer is the
 * `answerProven` the contract verified (the case closes as answered, which a plain answer to a
 * proven case cannot do), and its pi verifies off chain against the key the registry holds.
 * Restarted under a new VRF key, still inside the registry's change delay, it takes no bet
 * (`key-not-in-force`): the court would refuse every answer under that key.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Contract, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { readArtifact } from '../../server/chain/artifact.ts';
import { IpcJsonRpcProvider } from '../../server/chain/ipc-rpc.ts';
import { courtInterface, PROVEN_SUITE } from '../../server/court/court-contract.ts';
import { getSuite } from '../../vrf/index.ts';
import { receiptAlpha } from '../../vrf/protocol/alpha.ts';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import { bytesToHex, hexToBytes } from '../../vrf/protocol/encoding.ts';
import { caseStatus, courtAbi, courtAt, fund, revealToCourt } from '../helpers/court.ts';
import { randomWallet } from '../helpers/gambler.ts';
import { getJson, TestPlayer } from '../helpers/player.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

type Fairness = { keyId: string; suite: string; chain: { registry: string; court: { address: string } } };

let server: ServerProcess;
/** A secp256k1 scalar in [1, n-1]: the suite accepts it as a secret key. */
const isValidSecret = (sk: Uint8Array) => {
  try {
    getSuite(PROVEN_SUITE).publicKey(sk);
    return true;
  } catch {
    return false;
  }
};
let provider: IpcJsonRpcProvider;

beforeAll(async () => {
  server = await startServerProcess({ env: { NODE_ENV: 'test', FAIRPLAY_TEST_WITHHOLD: 'void-revealed-answered', VRF_SUITE: PROVEN_SUITE } });
  provider = new IpcJsonRpcProvider(join(server.dataDir, 'chain', 'anvil.ipc'));
}, timeoutWithStarts(1, 0));

afterAll(async () => {
  provider?.destroy();
  await server?.stop();
});

describe('a server on ECVRF-SECP256K1-SHA256-TAI at the reveal court', () => {
  it('answers a voided draw with a proof the court verifies on chain', async () => {
    const fairness = await getJson<Fairness>(`${server.url}/fairness`);
    expect(fairness.suite).toBe(PROVEN_SUITE);
    const courtAddress = fairness.chain.court.address;
    const registry = new Contract(fairness.chain.registry, readArtifact('FairnessRegistry').abi as never, provider);
    const [suiteName, publicKeyHex] = (await registry.getFunction('vrfKey')('0x' + fairness.keyId)) as [string, string];
    expect(suiteName).toBe(PROVEN_SUITE);

    const wallet = randomWallet();
    const player = await TestPlayer.join(server.url, { wallet, create: true });
    await fund(provider, wallet.address);
    const { receipt, seed } = await player.bet({ stake: 10 * UNITS_PER_CHIP, target: 5000, direction: 'under' });
    player.room.send('reveal', { drawSeq: receipt.drawSeq, seed });
    await player.next('void', (v) => v.drawSeq === receipt.drawSeq);
    const revealed = await revealToCourt(courtAddress, wallet.connect(provider) as Wallet, receipt, seed);
    expect(await new Contract(courtAddress, courtInterface, provider).getFunction('provenAnswer')('0x' + revealed.caseId)).toBe(true);
    await waitFor(async () => (await caseStatus(courtAt(courtAddress, provider), revealed.caseId)) === 2, { what: 'the server to answer the proven case', timeout: 60_000, interval: 250 });

    const [log] = await provider.getLogs({ address: courtAddress, topics: [courtAbi.getEvent('Answered')!.topicHash, '0x' + revealed.caseId], fromBlock: 0 });
    const event = courtAbi.parseLog(log!)!;
    const tx = await provider.getTransaction(log!.transactionHash);
    expect(courtInterface.parseTransaction({ data: tx!.data })?.name).toBe('answerProven');
    const pi = hexToBytes((event.args.getValue('pi') as string).slice(2));
    const verified = getSuite(PROVEN_SUITE).verify(hexToBytes(publicKeyHex.slice(2)), receiptAlpha(receipt, [seed]), pi);
    if (!verified.valid) throw new Error('the answer\'s pi does not verify against the registered key');
    expect(bytesToHex(verified.beta)).toBe((event.args.getValue('beta') as string).slice(2));
    const gas = (await provider.getTransactionReceipt(log!.transactionHash))!.gasUsed;
    console.log(`server's answerProven for a dice draw: ${gas} gas`);
  }, 300_000);

  it('takes no bet under a new VRF key until the registry has it in force: the court would refuse every answer to it', async () => {
    const before = await getJson<Fairness>(`${server.url}/fairness`);
    await server.stop();
    // The operator replaces the VRF key: the server registers the new one, which applies only after the registry's change delay (a day).
    let fresh: Uint8Array;
    do fresh = randomBytes(32);
    while (!isValidSecret(fresh));
    server = await startServerProcess({ dataDir: server.dataDir, env: { NODE_ENV: 'test', VRF_SUITE: PROVEN_SUITE, VRF_SECRET_KEY: bytesToHex(fresh) } });
    const after = await getJson<Fairness>(`${server.url}/fairness`);
    expect(after.keyId).not.toBe(before.keyId);
    const player = await TestPlayer.join(server.url, { wallet: randomWallet(), create: true });
    const seed = newSeed();
    const refused = await player.betOn(seedCommitment(seed));
    expect(refused.receipt).toBeUndefined();
    expect(refused.error).toMatchObject({ code: 'key-not-in-force' });
    expect(refused.error?.message).toMatch(new RegExp(`VRF key ${after.keyId} is in force on chain only from `));
    // The room plays on: the refusal is an answer, not a closed connection.
    expect((await player.betOn(seedCommitment(newSeed()))).error).toMatchObject({ code: 'key-not-in-force' });
    await player.room.leave();
  }, timeoutWithStarts(1, 120_000));
});
