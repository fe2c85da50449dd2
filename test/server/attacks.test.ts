/**
 * Attacks on a running dice room, each through the real server process and real SDK clients:
 * every one is refused with a reason the attacker can read, and the room keeps serving an
 * honest player in the same room (a full bet and reveal that verifies against /fairness).
 */
import { Client } from '@colyseus/sdk';
import { Wallet } from 'ethers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSignInMessage, encodeSignInToken } from '../../vrf/protocol/sign-in-message.ts';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import { outcomeProblems, verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { authorize, getJson, signInToken, TestPlayer, type FairnessParams } from '../helpers/player.ts';
import type { TypedDataSigner } from '../../vrf/protocol/authorization.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { MIN_STAKE_UNITS, UNITS_PER_CHIP } from '../../games/chips.ts';

const STARTING_CHIPS = 1000;
/** Balances, stakes and payouts are in units. */
const STARTING_UNITS = STARTING_CHIPS * UNITS_PER_CHIP;
const TEN = 10 * UNITS_PER_CHIP;
// Above the starting balance, so that "more than the balance" and "more than the maximum bet"
// are two different refusals.
const MAX_BET = 5000;
// Far longer than any wait below, so that "removed at once" cannot be passed by the grace period running out.
const RECONNECT_GRACE_SECONDS = 600;

let server: ServerProcess;
let fairness: FairnessParams;
const joined: TestPlayer[] = [];

beforeAll(async () => {
  server = await startServerProcess({
    env: { STARTING_CHIPS: String(STARTING_CHIPS), MAX_BET: String(MAX_BET), RECONNECT_GRACE_SECONDS: String(RECONNECT_GRACE_SECONDS) },
  });
  fairness = await getJson<FairnessParams>(`${server.url}/fairness`);
});
afterEach(async () => {
  const open = joined.splice(0).filter((p) => p.room.connection.isOpen);
  await Promise.all(open.map((p) => Promise.race([p.room.leave(), sleep(2000)]))); // a leave nobody answers does not hold up the next test
});
afterAll(async () => {
  await server?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function join(opts: { roomId?: string; wallet?: Wallet; token?: string; create?: boolean } = {}): Promise<TestPlayer> {
  const p = await TestPlayer.join(server.url, opts);
  joined.push(p);
  return p;
}

/** An honest player and an attacker in the same, fresh room. */
async function honestAndAttacker(): Promise<{ honest: TestPlayer; attacker: TestPlayer }> {
  const honest = await join({ create: true });
  const attacker = await join({ roomId: honest.room.roomId });
  return { honest, attacker };
}

async function chipsOf(address: string): Promise<number> {
  return (await getJson<{ balance: number }>(`${server.url}/players/${address}/chips`)).balance;
}

/** The room still serves an honest player: a full bet and reveal, checked as a player would. Returns the new balance. */
async function expectHonestRoundTrip(honest: TestPlayer): Promise<number> {
  const before = await chipsOf(honest.address);
  const { receipt, seed } = await honest.bet({ stake: TEN, target: 5000, direction: 'under' });
  const outcome = await honest.reveal(receipt.drawSeq, seed);
  expect(outcomeProblems(receipt, outcome.record, fairness)).toEqual([]);
  const after = before - TEN + outcome.record.result.payout;
  expect(await chipsOf(honest.address)).toBe(after);
  return after;
}

/**
 * Waits until `viewer`'s copy of the room state shows the honest player's balance after a round
 * trip made after everything under test: patches arrive in order, so the view then holds every
 * change the room made before (a wrong one included).
 */
async function stateCaughtUp(viewer: TestPlayer, honest: TestPlayer): Promise<void> {
  const balance = await expectHonestRoundTrip(honest);
  await waitFor(() => viewer.room.state.players.get(honest.address)?.balance === balance, { what: `the room state to show ${honest.address.slice(0, 8)}'s balance ${balance}` });
}

/** Sends something and returns the `error` the server answers with. */
async function refusal(player: TestPlayer, send: () => void): Promise<{ code: string; message: string; drawSeq?: number }> {
  await sleep(1000 / 15); // stay under MAX_MESSAGES_PER_SECOND: this is not the flood test
  send();
  return player.next('error', () => true, 5000);
}

async function transcriptOf(roomId: string): Promise<Transcript> {
  return getJson<Transcript>(`${server.url}/rooms/${roomId}/transcript`);
}

/** Whatever happened, the room's transcript is intact and only holds what was accepted. */
async function expectIntactTranscript(roomId: string): Promise<Transcript> {
  const transcript = await transcriptOf(roomId);
  const report = verifyTranscript(transcript, fairness);
  expect(report.records.filter((r) => r.problems.length)).toEqual([]);
  expect(report.ok).toBe(true);
  return transcript;
}

/** Resolves with the close code once the SDK says the room was left. */
function leaveCode(player: TestPlayer): Promise<number> {
  return new Promise((resolve) => player.room.onLeave((code: number) => resolve(code)));
}

/** A well-formed bet whose authorization is no one's signature: refused for its other fault first, or as bad-authorization. */
const goodBet = () => ({ stake: TEN, target: 5000, direction: 'under', commitment: seedCommitment(newSeed()), authorization: '0x' + '11'.repeat(65) });

/** A bet signed as `signer` signs it (by default the player's session key), for `over` fields of the signed request. */
async function signedBet(
  player: TestPlayer,
  bet: { stake: number; target: number; direction: 'under' | 'over' },
  over: { roomId?: string; stake?: number; signer?: TypedDataSigner; rulesHash?: string } = {},
) {
  const commitment = seedCommitment(newSeed());
  const action = { stake: over.stake ?? bet.stake, target: bet.target, direction: bet.direction };
  const authorization = await authorize(over.signer ?? player.drawSigner, over.roomId ?? player.room.roomId, 'dice', 'roll', action, commitment, over.rulesHash ?? player.rulesHash);
  return { ...bet, commitment, authorization };
}

describe('draw authorisation (protocol v2)', () => {
  it('a bet without, or with a wrong, authorization is refused as bad-authorization; the room plays on', async () => {
    const { honest, attacker } = await honestAndAttacker();
    const bet = { stake: TEN, target: 5000, direction: 'under' } as const;
    const { authorization: _none, ...unsigned } = goodBet();
    const cases: [string, unknown][] = [
      ['no authorization', unsigned],
      ['a malformed authorization', { ...goodBet(), authorization: '0x1234' }],
      ['a signature of nothing', goodBet()],
      ['signed for another stake', await signedBet(attacker, bet, { stake: TEN + 1 })],
      ['signed for another room', await signedBet(attacker, bet, { roomId: 'another-room' })],
      ['signed by a key the player never delegated to', await signedBet(attacker, bet, { signer: Wallet.createRandom() })],
      ["signed by another player's session key", await signedBet(attacker, bet, { signer: honest.drawSigner })],
      ['signed for other rules than the ones served', await signedBet(attacker, bet, { rulesHash: 'ee'.repeat(32) })],
    ];
    for (const [name, payload] of cases) {
      const err = await refusal(attacker, () => attacker.room.send('bet', payload));
      expect({ name, code: err.code }).toEqual({ name, code: 'bad-authorization' });
    }
    expect(await chipsOf(attacker.address)).toBe(STARTING_UNITS);
    const transcript = await expectIntactTranscript(honest.room.roomId);
    expect(transcript.records.filter((r) => r.type === 'receipt' && r.players.includes(attacker.address))).toEqual([]);
    await expectHonestRoundTrip(honest);
    // The wallet itself may sign instead of its session key: the receipt then carries no delegation.
    attacker.room.send('bet', await signedBet(attacker, bet, { signer: attacker.wallet }));
    const receipt = await attacker.next('receipt');
    expect(receipt.authorizations).toEqual([{ signature: expect.stringMatching(/^0x[0-9a-f]{130}$/) }]);
    const { receipt: delegated } = await attacker.bet(bet);
    expect(delegated.authorizations?.[0]?.delegation?.message).toMatch(/\nResources:\n- urn:fairplay:session-key:0x[0-9a-fA-F]{40}$/);
    await expectIntactTranscript(honest.room.roomId);
  });
});

describe('reveals', () => {
  it('a seed that does not match its commitment is refused and the draw stays pending for its player', async () => {
    const { honest, attacker } = await honestAndAttacker();
    const { receipt, seed } = await attacker.bet({ stake: 2 * TEN, target: 3000, direction: 'over' });

    const err = await refusal(attacker, () => attacker.room.send('reveal', { drawSeq: receipt.drawSeq, seed: newSeed() }));
    expect(err).toMatchObject({ code: 'reveal-mismatch', drawSeq: receipt.drawSeq });
    expect(err.message).toMatch(/commitment/);
    const live = verifyTranscript(await transcriptOf(honest.room.roomId), fairness);
    expect(live.pendingDraws).toEqual([receipt.drawSeq]);

    await expectHonestRoundTrip(honest);

    // The right seed afterwards settles the draw as if nothing had happened.
    const outcome = await attacker.reveal(receipt.drawSeq, seed);
    expect(outcomeProblems(receipt, outcome.record, fairness)).toEqual([]);
    expect(await chipsOf(attacker.address)).toBe(STARTING_UNITS - 2 * TEN + outcome.record.result.payout);
    const transcript = await expectIntactTranscript(honest.room.roomId);
    expect(verifyTranscript(transcript, fairness).pendingDraws).toEqual([]);
  });

  it("someone else's draw, an unknown draw and a second reveal are refused", async () => {
    const { honest, attacker } = await honestAndAttacker();

    // Even with the right seed (say it leaked), a draw can only be revealed by its player.
    const theirs = await honest.bet({ stake: TEN, target: 5000, direction: 'under' });
    const stolen = await refusal(attacker, () => attacker.room.send('reveal', { drawSeq: theirs.receipt.drawSeq, seed: theirs.seed }));
    expect(stolen).toMatchObject({ code: 'reveal-not-a-player', drawSeq: theirs.receipt.drawSeq });
    const theirOutcome = await honest.reveal(theirs.receipt.drawSeq, theirs.seed);
    expect(outcomeProblems(theirs.receipt, theirOutcome.record, fairness)).toEqual([]);

    const unknown = await refusal(attacker, () => attacker.room.send('reveal', { drawSeq: 9999, seed: newSeed() }));
    expect(unknown).toMatchObject({ code: 'reveal-unknown-draw', drawSeq: 9999 });
    await expectHonestRoundTrip(honest);

    // Two reveals back to back: the second finds the seed already in, or the draw settled.
    const own = await attacker.bet({ stake: TEN, target: 5000, direction: 'over' });
    attacker.room.send('reveal', { drawSeq: own.receipt.drawSeq, seed: own.seed });
    const again = await refusal(attacker, () => attacker.room.send('reveal', { drawSeq: own.receipt.drawSeq, seed: own.seed }));
    expect(['reveal-already-revealed', 'reveal-unknown-draw']).toContain(again.code);
    expect(again.drawSeq).toBe(own.receipt.drawSeq);
    const outcome = await attacker.next('outcome', (o) => o.record.drawSeq === own.receipt.drawSeq);
    expect(outcomeProblems(own.receipt, outcome.record, fairness)).toEqual([]);
    // Once settled, the draw is gone.
    const late = await refusal(attacker, () => attacker.room.send('reveal', { drawSeq: own.receipt.drawSeq, seed: own.seed }));
    expect(late).toMatchObject({ code: 'reveal-unknown-draw', drawSeq: own.receipt.drawSeq });
    await expectHonestRoundTrip(honest);

    const transcript = await expectIntactTranscript(honest.room.roomId);
    expect(transcript.records.filter((r) => r.type === 'outcome' && r.drawSeq === own.receipt.drawSeq)).toHaveLength(1);
    expect(await chipsOf(attacker.address)).toBe(STARTING_UNITS - TEN + outcome.record.result.payout);
  });
});

describe('sign-in', () => {
  /** Tries to join the room with this token; returns the SDK's rejection. */
  async function joinRefused(roomId: string, token: string | undefined): Promise<{ code: unknown; message: string }> {
    const client = new Client(server.url);
    if (token !== undefined) client.auth.token = token;
    const attempt = client.joinById(roomId);
    await expect(attempt).rejects.toThrow();
    const e = (await attempt.catch((err: unknown) => err)) as { code: unknown; message: string };
    return { code: e.code, message: e.message };
  }

  it('refuses a replayed token, another domain, another wallet, no token and garbage, with HTTP 401 and the reason', async () => {
    const honest = await join({ create: true });
    const roomId = honest.room.roomId;

    // Replay: the same signed message, byte for byte, a second time. Its nonce is spent.
    const wallet = Wallet.createRandom() as unknown as Wallet;
    const token = await signInToken(server.url, wallet);
    await join({ roomId, wallet, token });
    const replay = await joinRefused(roomId, token);
    expect(replay.code).toBe(401);
    expect(replay.message).toMatch(/nonce/);

    const otherDomain = await joinRefused(roomId, await signInToken(server.url, wallet, { domain: 'evil.example' }));
    expect(otherDomain.code).toBe(401);
    expect(otherDomain.message).toMatch(/domain/);

    // A message naming the victim's address, signed by the attacker's wallet.
    const victim = Wallet.createRandom();
    const attackerWallet = Wallet.createRandom();
    const { nonce, domain, uri, chainId } = await getJson<{ nonce: string; domain: string; uri: string; chainId: number }>(`${server.url}/auth/nonce`);
    const message = buildSignInMessage({ domain, uri, chainId, address: victim.address, nonce });
    const forged = await joinRefused(roomId, encodeSignInToken(message, await attackerWallet.signMessage(message)));
    expect(forged.code).toBe(401);
    expect(forged.message).toMatch(/signature/);

    const none = await joinRefused(roomId, undefined);
    expect(none.code).toBe(401);
    expect(none.message).toMatch(/no token/);

    const garbage = await joinRefused(roomId, 'not-a-token!!');
    expect(garbage.code).toBe(401);
    expect(garbage.message).toMatch(/malformed/);
    const garbageJson = await joinRefused(roomId, encodeSignInToken('hello', '0x1234'));
    expect(garbageJson.code).toBe(401);
    expect(garbageJson.message).toMatch(/malformed/);

    await stateCaughtUp(honest, honest);
    expect([...honest.room.state.players.keys()].sort()).toEqual([honest.address, wallet.address].sort());
    expect(honest.room.state.players.has(victim.address)).toBe(false);
  });
});

describe('bets', () => {
  it('refuses bets it must not take, with a reason, and leaves the balance alone', async () => {
    const { honest, attacker } = await honestAndAttacker();
    const roomId = honest.room.roomId;
    const cases: [string, unknown, string][] = [
      ['more than the balance', await signedBet(attacker, { stake: STARTING_UNITS + 1, target: 5000, direction: 'under' }), 'insufficient-chips'],
      ['above MAX_BET', { ...goodBet(), stake: MAX_BET * UNITS_PER_CHIP + 1 }, 'bad-bet'],
      ['below the minimum bet of 0.01 chip', await signedBet(attacker, { stake: MIN_STAKE_UNITS - 1, target: 5000, direction: 'under' }), 'bad-bet'],
      ['win chance below 1%', { ...goodBet(), target: 99, direction: 'under' }, 'bad-bet'],
      ['win chance above 98%', { ...goodBet(), target: 9801, direction: 'under' }, 'bad-bet'],
      ['win chance of 0', { ...goodBet(), target: 9999, direction: 'over' }, 'bad-bet'],
      ['stake as a string', { ...goodBet(), stake: '10' }, 'bad-message'],
      ['target as a string', { ...goodBet(), target: '5000' }, 'bad-message'],
      ['no stake', { target: 5000, direction: 'under', commitment: seedCommitment(newSeed()) }, 'bad-message'],
      ['no commitment', { stake: TEN, target: 5000, direction: 'under' }, 'bad-message'],
      ['an extra field', { ...goodBet(), payout: 1_000_000 }, 'bad-message'],
      ['negative stake', { ...goodBet(), stake: -TEN }, 'bad-message'],
      ['zero stake', { ...goodBet(), stake: 0 }, 'bad-message'],
      ['a fraction of a unit', { ...goodBet(), stake: TEN + 0.5 }, 'bad-message'],
      ['a stake past the safe integers', { ...goodBet(), stake: 2 ** 53 }, 'bad-message'],
      ['infinite stake', { ...goodBet(), stake: Infinity }, 'bad-message'],
      ['target out of range', { ...goodBet(), target: 10_000 }, 'bad-message'],
      ['unknown direction', { ...goodBet(), direction: 'sideways' }, 'bad-message'],
      ['non-hex commitment', { ...goodBet(), commitment: 'z'.repeat(64) }, 'bad-message'],
      ['short commitment', { ...goodBet(), commitment: 'ab'.repeat(16) }, 'bad-message'],
      ['no payload', undefined, 'bad-message'],
      ['a string payload', 'bet 10 on under', 'bad-message'],
      ['an array payload', [10, 5000, 'under'], 'bad-message'],
    ];
    for (const [name, payload, code] of cases) {
      const err = await refusal(attacker, () => attacker.room.send('bet', payload));
      expect({ name, code: err.code }).toEqual({ name, code });
      expect(err.message.length, name).toBeGreaterThan(0);
      expect(await chipsOf(attacker.address), name).toBe(STARTING_UNITS);
    }
    for (const type of ['payout', 'setBalance', '__proto__', 7]) {
      const err = await refusal(attacker, () => attacker.room.send(type, { amount: 1_000_000 }));
      expect({ type, code: err.code }).toEqual({ type, code: 'unknown-message' });
    }
    // A reveal is validated like a bet.
    for (const payload of [{ drawSeq: -1, seed: newSeed() }, { drawSeq: 0, seed: 'nope' }, { drawSeq: 0 }, { drawSeq: 0, seed: newSeed(), x: 1 }]) {
      const err = await refusal(attacker, () => attacker.room.send('reveal', payload));
      expect(err.code).toBe('bad-message');
    }

    await stateCaughtUp(attacker, honest);
    expect(attacker.room.state.players.get(attacker.address).balance).toBe(STARTING_UNITS);
    expect(await chipsOf(attacker.address)).toBe(STARTING_UNITS);
    const transcript = await expectIntactTranscript(roomId);
    expect(transcript.records.filter((r) => r.type === 'receipt' && r.players.includes(attacker.address))).toEqual([]);

    // The attacker is still a player in good standing: an honest bet of theirs goes through.
    const { receipt, seed } = await attacker.bet({ stake: STARTING_UNITS, target: 5000, direction: 'under' });
    const outcome = await attacker.reveal(receipt.drawSeq, seed);
    expect(outcomeProblems(receipt, outcome.record, fairness)).toEqual([]);
    await expectHonestRoundTrip(honest);
  });
});

describe('abuse of the connection', () => {
  it('an oversized message disconnects its sender; the others play on', async () => {
    const { honest, attacker } = await honestAndAttacker();
    const bystander = await join({ roomId: honest.room.roomId });
    const left = leaveCode(attacker);
    attacker.room.send('bet', { ...goodBet(), commitment: 'ab'.repeat(3000) }); // > 4096 bytes
    const code = await left;
    expect(code).toBe(1009); // WebSocket "message too big"
    expect(attacker.room.connection.isOpen).toBe(false);
    await waitFor(() => !(honest.room.state.players.get(attacker.address)?.connected ?? false), { what: 'the room state to show the attacker disconnected' });

    await expectHonestRoundTrip(honest);
    await expectHonestRoundTrip(bystander);
    const transcript = await expectIntactTranscript(honest.room.roomId);
    expect(transcript.records.filter((r) => r.type === 'receipt' && r.players.includes(attacker.address))).toEqual([]);
    expect(await chipsOf(attacker.address)).toBe(STARTING_UNITS);
  });

  it('a flood gets its sender kicked (4002) without a reserved seat; the others play on', async () => {
    const { honest, attacker } = await honestAndAttacker();
    const bystander = await join({ roomId: honest.room.roomId });
    await waitFor(() => honest.room.state.players.has(attacker.address), { what: 'the attacker listed in the room state before the flood' });

    const left = leaveCode(attacker);
    for (let i = 0; i < 60; i++) attacker.room.send('reveal', { drawSeq: 1000 + i, seed: newSeed() });
    expect(await left).toBe(4002);

    // Kicked players are removed at once, not kept for the reconnection grace period (600 s here).
    await waitFor(() => !honest.room.state.players.has(attacker.address), { what: 'the kicked attacker removed from the room state', timeout: 60_000 });
    const comeback = new Client(server.url).reconnect(attacker.room.reconnectionToken);
    await expect(comeback).rejects.toThrow(/reconnection token invalid or expired|failed to reconnect|already consumed/);

    await expectHonestRoundTrip(honest);
    await expectHonestRoundTrip(bystander);
    await expectIntactTranscript(honest.room.roomId);
  });
});
