import { Contract, ContractFactory, JsonRpcProvider, type JsonRpcSigner } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../server/chain/anvil.ts';
import { compileContracts, CONTRACT_NAMES, readArtifact } from '../../server/chain/compile.ts';
import { revertOf } from '../helpers/fairness-contracts.ts';

const EPOCH = 86_400;
const COIN = 1n;
const SWORD = 2n;
const award = (n: number) => '0x' + n.toString(16).padStart(64, '0');

let node: AnvilNode;
let provider: JsonRpcProvider;
let admin: JsonRpcSigner;
let minter: JsonRpcSigner;
let stranger: JsonRpcSigner;
let assets: Contract;
let asMinter: Contract;
const players: string[] = [];

beforeAll(async () => {
  node = await startAnvil();
  provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  [admin, minter, stranger] = (await Promise.all([0, 1, 2].map((i) => provider.getSigner(i)))) as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
  for (const i of [3, 4, 5]) players.push(await (await provider.getSigner(i)).getAddress());
  const { abi, bytecode } = readArtifact();
  const factory = new ContractFactory(abi as never, bytecode, admin);
  assets = (await (await factory.deploy('https://fairplay.example/assets/{id}.json', await admin.getAddress(), EPOCH)).waitForDeployment()) as Contract;
  asMinter = assets.connect(minter) as Contract;
  await (await assets.getFunction('grantRole')(await assets.getFunction('MINTER_ROLE')(), await minter.getAddress())).wait();
  await (await assets.getFunction('configureToken')(COIN, 1_000_000n, 100_000n)).wait();
  await (await assets.getFunction('configureToken')(SWORD, 100n, 60n)).wait();
});

afterAll(async () => {
  provider?.destroy();
  await node?.stop();
});

describe('the contract artifacts', () => {
  it('are what the sources compile to today (GameAssets, FairnessRegistry, RevealCourt)', () => {
    const fresh = compileContracts();
    for (const name of CONTRACT_NAMES) {
      const committed = readArtifact(name);
      expect(committed.contractName).toBe(name);
      expect(fresh[name].bytecode, name).toBe(committed.bytecode);
      expect(fresh[name].abi, name).toEqual(committed.abi);
    }
    expect(readArtifact().contractName).toBe('GameAssets');
  });
});

describe('GameAssets on a real node (anvil)', () => {
  it('mints a batch of awards for the minter role only, with an event per award', async () => {
    const args = [[players[0], players[1]], [COIN, COIN], [10n, 20n], [award(1), award(2)]] as const;
    expect(await revertOf(assets.connect(stranger).getFunction('mintAwards')(...args))).toBe('AccessControlUnauthorizedAccount');
    const receipt = await (await asMinter.getFunction('mintAwards')(...args)).wait();
    const events = receipt.logs.map((l: { topics: string[]; data: string }) => assets.interface.parseLog(l)).filter((e: { name: string } | null) => e?.name === 'AwardMinted');
    expect(events.map((e: { args: { awardId: string; amount: bigint } }) => [e.args.awardId, e.args.amount])).toEqual([[award(1), 10n], [award(2), 20n]]);
    expect(await assets.getFunction('balanceOf')(players[0], COIN)).toBe(10n);
    expect(await assets.getFunction('awarded')(award(2))).toBe(true);
  });

  it('refuses an award id it has seen, also inside one batch, and mints nothing of that batch', async () => {
    expect(await revertOf(asMinter.getFunction('mintAwards')([players[0], players[2]], [COIN, COIN], [5n, 5n], [award(3), award(1)]))).toBe('AwardAlreadyMinted');
    expect(await revertOf(asMinter.getFunction('mintAwards')([players[2], players[2]], [COIN, COIN], [5n, 5n], [award(4), award(4)]))).toBe('AwardAlreadyMinted');
    expect(await assets.getFunction('balanceOf')(players[2], COIN)).toBe(0n);
    expect(await assets.getFunction('awarded')(award(3))).toBe(false);
  });

  it('refuses unknown token ids and mismatched arrays', async () => {
    expect(await revertOf(asMinter.getFunction('mintAwards')([players[0]], [99n], [1n], [award(5)]))).toBe('UnknownToken');
    expect(await revertOf(asMinter.getFunction('mintAwards')([players[0]], [COIN, COIN], [1n], [award(6)]))).toBe('LengthMismatch');
  });

  it('enforces the per-player and the per-epoch cap, and opens again next epoch', async () => {
    await (await asMinter.getFunction('mintAwards')([players[0]], [SWORD], [60n], [award(10)])).wait();
    expect(await revertOf(asMinter.getFunction('mintAwards')([players[0]], [SWORD], [1n], [award(11)]))).toBe('PlayerEpochCapExceeded');
    await (await asMinter.getFunction('mintAwards')([players[1]], [SWORD], [40n], [award(12)])).wait();
    expect(await revertOf(asMinter.getFunction('mintAwards')([players[2]], [SWORD], [1n], [award(13)]))).toBe('EpochCapExceeded');
    const epoch = await assets.getFunction('currentEpoch')();
    expect(await assets.getFunction('mintedInEpoch')(epoch, SWORD)).toBe(100n);
    expect((await assets.getFunction('tokens')(SWORD)).slice(1)).toEqual([100n, 60n]);
    await provider.send('evm_increaseTime', [EPOCH]);
    await provider.send('evm_mine', []);
    await (await asMinter.getFunction('mintAwards')([players[2]], [SWORD], [1n], [award(13)])).wait();
    expect(await assets.getFunction('balanceOf')(players[2], SWORD)).toBe(1n);
  });

  it('mints runs of one player and token as one transfer, with caps summed over the run', async () => {
    const [a, b] = [players[0]!, players[1]!];
    const before = await Promise.all([a, b].map((p) => assets.getFunction('balanceOf')(p, COIN) as Promise<bigint>));
    // a, a, b, a: two runs for a (split by b), one for b; every award keeps its own event.
    const receipt = await (await asMinter.getFunction('mintAwards')([a, a, b, a], [COIN, COIN, COIN, COIN], [1n, 2n, 4n, 8n], [award(20), award(21), award(22), award(23)])).wait();
    const parsed = receipt.logs.map((l: { topics: string[]; data: string }) => assets.interface.parseLog(l)?.name);
    expect(parsed.filter((n: string | undefined) => n === 'AwardMinted')).toHaveLength(4);
    expect(parsed.filter((n: string | undefined) => n === 'TransferSingle')).toHaveLength(3);
    expect(await assets.getFunction('balanceOf')(a, COIN)).toBe(before[0]! + 11n);
    expect(await assets.getFunction('balanceOf')(b, COIN)).toBe(before[1]! + 4n);
    // SWORD's per-player cap is 60: a run of 30 + 31 to one player is over it as a whole.
    const p2 = players[2]!;
    expect(await revertOf(asMinter.getFunction('mintAwards')([p2, p2], [SWORD, SWORD], [30n, 31n], [award(24), award(25)]))).toBe('PlayerEpochCapExceeded');
  });

  it('keeps the supply per token id and in all (ERC1155Supply), raised by every mint', async () => {
    const [coinBefore, allBefore] = [(await assets.getFunction('totalSupply(uint256)')(COIN)) as bigint, (await assets.getFunction('totalSupply()')()) as bigint];
    await (await asMinter.getFunction('mintAwards')([players[1]], [COIN], [7n], [award(30)])).wait();
    expect(await assets.getFunction('totalSupply(uint256)')(COIN)).toBe(coinBefore + 7n);
    expect(await assets.getFunction('totalSupply()')()).toBe(allBefore + 7n);
    const sumOfBalances = (await Promise.all(players.map((p) => assets.getFunction('balanceOf')(p, COIN) as Promise<bigint>))).reduce((a, b) => a + b, 0n);
    expect(await assets.getFunction('totalSupply(uint256)')(COIN)).toBe(sumOfBalances);
  });

  it('burns a deposit of a depositable id from the caller only, with a Deposited event, and lowers the supply', async () => {
    const player = await provider.getSigner(4);
    const address = await player.getAddress();
    const asPlayer = assets.connect(player) as Contract;
    expect(await revertOf(assets.connect(stranger).getFunction('setDepositable')(COIN, true))).toBe('AccessControlUnauthorizedAccount');
    // Not depositable yet: refused, nothing burned.
    expect(await revertOf(asPlayer.getFunction('deposit')(COIN, 1n))).toBe('NotDepositable');
    const opened = await (await assets.getFunction('setDepositable')(COIN, true)).wait();
    expect(opened.logs.map((l: { topics: string[]; data: string }) => assets.interface.parseLog(l)?.name)).toContain('DepositableSet');
    expect(await assets.getFunction('depositable')(COIN)).toBe(true);
    const [balance, supply] = [(await assets.getFunction('balanceOf')(address, COIN)) as bigint, (await assets.getFunction('totalSupply(uint256)')(COIN)) as bigint];
    expect(balance).toBeGreaterThan(3n);
    const receipt = await (await asPlayer.getFunction('deposit')(COIN, 3n)).wait();
    const deposited = receipt.logs.map((l: { topics: string[]; data: string }) => assets.interface.parseLog(l)).filter((e: { name: string } | null) => e?.name === 'Deposited');
    expect(deposited.map((e: { args: { player: string; id: bigint; amount: bigint } }) => [e.args.player, e.args.id, e.args.amount])).toEqual([[address, COIN, 3n]]);
    console.log(`GameAssets.deposit gas used on anvil: ${receipt.gasUsed} (a burn of part of a balance, with its Deposited event)`);
    expect(await assets.getFunction('balanceOf')(address, COIN)).toBe(balance - 3n);
    expect(await assets.getFunction('totalSupply(uint256)')(COIN)).toBe(supply - 3n);
    // The whole of what is left: the balance slot is cleared (a gas refund).
    const whole = await (await asPlayer.getFunction('deposit')(COIN, balance - 3n)).wait();
    console.log(`GameAssets.deposit gas used on anvil: ${whole.gasUsed} (a burn of the whole balance)`);
    expect(await assets.getFunction('balanceOf')(address, COIN)).toBe(0n);
    expect(await assets.getFunction('totalSupply(uint256)')(COIN)).toBe(supply - balance);
    await (await asMinter.getFunction('mintAwards')([address], [COIN], [5n], [award(31)])).wait();
  });

  it('refuses a deposit of zero, of more than the caller holds, of a closed id, and of a token never made depositable', async () => {
    const player = await provider.getSigner(4);
    const address = await player.getAddress();
    const asPlayer = assets.connect(player) as Contract;
    const balance = (await assets.getFunction('balanceOf')(address, COIN)) as bigint;
    expect(await revertOf(asPlayer.getFunction('deposit')(COIN, 0n))).toBe('ZeroDeposit');
    expect(await revertOf(asPlayer.getFunction('deposit')(COIN, balance + 1n))).toBe('ERC1155InsufficientBalance');
    // Player 3 holds swords (minted above) that are not depositable.
    expect(await assets.getFunction('balanceOf')(players[0], SWORD)).toBeGreaterThan(0n);
    expect(await revertOf(assets.connect(await provider.getSigner(3)).getFunction('deposit')(SWORD, 1n))).toBe('NotDepositable');
    await (await assets.getFunction('setDepositable')(COIN, false)).wait();
    expect(await revertOf(asPlayer.getFunction('deposit')(COIN, 1n))).toBe('NotDepositable');
    await (await assets.getFunction('setDepositable')(COIN, true)).wait();
    expect(await assets.getFunction('balanceOf')(address, COIN)).toBe(balance);
  });

  it('keeps a registry of VRF keys that only grows, with an event per key', async () => {
    const keyId = '0x0d919fdcbe9bb1e8';
    const pk = '0xd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
    expect(await revertOf(assets.connect(stranger).getFunction('registerVrfKey')(keyId, 'ECVRF-EDWARDS25519-SHA512-TAI', pk, 1n))).toBe('AccessControlUnauthorizedAccount');
    const receipt = await (await assets.getFunction('registerVrfKey')(keyId, 'ECVRF-EDWARDS25519-SHA512-TAI', pk, 1795300000n)).wait();
    expect(receipt.logs.map((l: { topics: string[]; data: string }) => assets.interface.parseLog(l)?.name)).toContain('VrfKeyRegistered');
    const key = await assets.getFunction('vrfKey')(keyId);
    expect([key.suite, key.publicKey, key.activatedAt]).toEqual(['ECVRF-EDWARDS25519-SHA512-TAI', pk, 1795300000n]);
    expect(await revertOf(assets.getFunction('registerVrfKey')(keyId, 'ECVRF-EDWARDS25519-SHA512-TAI', '0x01', 2n))).toBe('VrfKeyExists');
    expect(await assets.getFunction('vrfKeyCount')()).toBe(1n);
  });
});
