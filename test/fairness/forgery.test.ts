/**
 * Issue 12, point 1: an operator holding both its keys (receipts and VRF) writes a draw in a
 * player's name, with a commitment of its own, so a seed it knows and can grind. Every other
 * check of the transcript passes (the operator signs, proves and chains honestly); only the
 * player's authorisation (protocol v2) is missing or not theirs, and the verifier refuses it.
 * Also: what a genuine authorisation is (a session key under a delegation, or the address
 * itself), and the ways one can fail to be it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet, type HDNodeWallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import type { RoomTranscript } from '../../server/fairness/room-transcript.ts';
import { authorizationProblem, signDrawRequest, type DrawAuthorization, type DrawRequest } from '../../vrf/protocol/authorization.ts';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import { recordHash, type HashedRecord } from '../../vrf/protocol/records.ts';
import { buildSignInMessage } from '../../vrf/protocol/sign-in-message.ts';
import { TRANSCRIPT_FORMAT_V1, verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import type { TrustedKeys } from '../../vrf/protocol/verifier.ts';
import { main } from '../../vrf/cli.ts';
import { openRoom } from './room-fixture.ts';

const DICE = { game: 'dice', kind: 'roll', action: { stake: 10, target: 5000, direction: 'under', edgeBps: 100 } };

/** A sign-in by `wallet` that delegates to `sessionKey`, as the page makes one. */
async function delegation(wallet: HDNodeWallet, sessionKey: string, signer: HDNodeWallet = wallet) {
  const message = buildSignInMessage({ domain: 'play.example', uri: 'https://play.example', address: wallet.address, nonce: 'abcdef123456', sessionKey });
  return { message, signature: await signer.signMessage(message) };
}

/** A delegated player: wallet, session key, and the delegation that links them. */
async function delegatedPlayer() {
  const wallet = Wallet.createRandom();
  const session = Wallet.createRandom();
  return { wallet, session, delegation: await delegation(wallet, session.address) };
}

/** One settled draw of `address` with `authorization`, and the transcript so far. */
async function draw(room: RoomTranscript, address: string, authorization: DrawAuthorization, seed = newSeed()) {
  const receipt = await room.receipt({ ...DICE, players: [{ address, commitment: seedCommitment(seed), authorization }] });
  await room.reveal(receipt.drawSeq, address, seed);
  await room.settle(receipt.drawSeq);
  return room.transcript();
}

/** What an operator does after editing a record: every prev and hash recomputed, so the chain holds. */
function rechain(t: Transcript): Transcript {
  let prev = '0'.repeat(64);
  const records = t.records.map((r) => {
    const { hash: _old, ...bare } = r as HashedRecord;
    const linked = { ...bare, prev } as HashedRecord;
    prev = recordHash(linked);
    return { ...linked, hash: prev };
  });
  return { ...t, records };
}

const receiptProblemsOf = (t: Transcript, keys: TrustedKeys) => verifyTranscript(t, keys).records[0]!.problems;

describe('an operator forging a draw in a player\'s name', () => {
  it('with its own commitment and no authorization: verifies as v1 would, refused as v2', async () => {
    const { room, keys } = await openRoom('forged');
    const victim = Wallet.createRandom().address;
    // The operator's own seed: it knows the outcome before writing the receipt, and can grind.
    const signed = await draw(room, victim, { signature: await signDrawRequest(Wallet.createRandom(), { roomId: 'forged', ...DICE, commitment: seedCommitment(newSeed()) }) });
    const { authorizations: _dropped, ...bare } = signed.records[0] as HashedRecord & { authorizations?: unknown };
    const stripped = rechain({ ...signed, records: [bare as HashedRecord, ...signed.records.slice(1)] });
    // Everything else the operator did is in order: a v1 verifier sees nothing wrong.
    expect(verifyTranscript({ ...stripped, format: TRANSCRIPT_FORMAT_V1 }, keys)).toMatchObject({ ok: true });
    const report = verifyTranscript(stripped, keys);
    expect(report.ok).toBe(false);
    expect(report.records.map((r) => r.problems)).toEqual([['receipt carries no authorizations: no player asked for this draw'], []]);
    // The auditor's CLI goes through the same verifier.
    const file = join(mkdtempSync(join(tmpdir(), 'forgery-')), 'transcript.json');
    writeFileSync(file, JSON.stringify(stripped));
    const lines: string[] = [];
    expect(main(['verify-transcript', file, '--pk', keys.publicKey, '--signer', keys.receiptSigner], (l) => lines.push(l))).toBe(1);
    expect(lines).toContain('record 0 receipt draw 0: receipt carries no authorizations: no player asked for this draw');
  });

  it('with an authorization the operator signed itself: refused, naming the player', async () => {
    const { room, keys } = await openRoom('forged');
    const victim = Wallet.createRandom().address;
    const operator = Wallet.createRandom();
    const seed = newSeed();
    const fake = { signature: await signDrawRequest(operator, { roomId: 'forged', ...DICE, commitment: seedCommitment(seed) }) };
    expect(receiptProblemsOf(await draw(room, victim, fake, seed), keys)).toEqual(['player 0: authorization not signed by the player (and no delegation)']);
  });

  it('with a delegation to its own key that the player never signed: refused', async () => {
    const { room, keys } = await openRoom('forged');
    const player = Wallet.createRandom();
    const operatorKey = Wallet.createRandom();
    const seed = newSeed();
    const forgedDelegation = await delegation(player, operatorKey.address, Wallet.createRandom());
    const auth = { signature: await signDrawRequest(operatorKey, { roomId: 'forged', ...DICE, commitment: seedCommitment(seed) }), delegation: forgedDelegation };
    expect(receiptProblemsOf(await draw(room, player.address, auth, seed), keys)).toEqual(['player 0: delegation not signed by the player']);
  });
});

describe('a player\'s authorization', () => {
  it('by the session key under a valid delegation verifies, in the transcript and alone', async () => {
    const { room, keys } = await openRoom('genuine');
    const p = await delegatedPlayer();
    const seed = newSeed();
    const request: DrawRequest = { roomId: 'genuine', ...DICE, commitment: seedCommitment(seed) };
    const auth = { signature: await signDrawRequest(p.session, request), delegation: p.delegation };
    expect(authorizationProblem(request, p.wallet.address, auth)).toBeUndefined();
    const t = await draw(room, p.wallet.address, auth, seed);
    expect(verifyTranscript(t, keys)).toMatchObject({ ok: true, pendingDraws: [] });
    expect(t.format).toBe('fairplay-transcript-v2');
  });

  it('by the player\'s address itself (no session key) verifies', async () => {
    const wallet = Wallet.createRandom();
    const request: DrawRequest = { roomId: 'r', ...DICE, commitment: seedCommitment(newSeed()) };
    expect(authorizationProblem(request, wallet.address, { signature: await signDrawRequest(wallet, request) })).toBeUndefined();
  });

  it('for another room, action, kind or commitment is refused', async () => {
    const p = await delegatedPlayer();
    const request: DrawRequest = { roomId: 'here', ...DICE, commitment: seedCommitment(newSeed()) };
    const others: DrawRequest[] = [
      { ...request, roomId: 'elsewhere' },
      { ...request, action: { ...DICE.action, stake: 1000 } },
      { ...request, action: { ...DICE.action, edgeBps: 500 } },
      { ...request, kind: 'hand' },
      { ...request, commitment: seedCommitment(newSeed()) },
    ];
    for (const other of others) {
      const auth = { signature: await signDrawRequest(p.session, other), delegation: p.delegation };
      expect(authorizationProblem(request, p.wallet.address, auth)).toBe('authorization not signed by the delegated session key');
    }
  });

  it('under a delegation signed by someone else, for someone else, or unreadable, is refused', async () => {
    const p = await delegatedPlayer();
    const request: DrawRequest = { roomId: 'here', ...DICE, commitment: seedCommitment(newSeed()) };
    const signature = await signDrawRequest(p.session, request);
    const stranger = Wallet.createRandom();
    const check = (d: { message: string; signature: string }) => authorizationProblem(request, p.wallet.address, { signature, delegation: d });
    expect(check(await delegation(p.wallet, p.session.address, stranger))).toBe('delegation not signed by the player');
    expect(check(await delegation(stranger, p.session.address))).toBe('delegation is for another address than the player');
    expect(check(await delegation(p.wallet, Wallet.createRandom().address))).toBe('authorization not signed by the delegated session key');
    const noResource = buildSignInMessage({ domain: 'play.example', uri: 'https://play.example', address: p.wallet.address, nonce: 'abcdef123456' });
    expect(check({ message: noResource, signature: await p.wallet.signMessage(noResource) })).toMatch(/cannot be checked: delegation message has no Resources/);
    const twoKeys = `${p.delegation.message}\n- urn:fairplay:session-key:${stranger.address}`;
    expect(check({ message: twoKeys, signature: await p.wallet.signMessage(twoKeys) })).toMatch(/names 2 session keys/);
    expect(check({ message: 'hello', signature: await p.wallet.signMessage('hello') })).toMatch(/not an EIP-4361 sign-in message/);
    expect(authorizationProblem(request, p.wallet.address, undefined)).toBe('no authorization');
  });

  it('of a chest draw is needed from every player: one missing fails the receipt', async () => {
    const { room, keys } = await openRoom('chests');
    const action = { round: 1, count: 6 };
    const [a, b] = [await delegatedPlayer(), await delegatedPlayer()];
    const seeds = [newSeed(), newSeed()];
    const commitments = seeds.map(seedCommitment);
    const authA = { signature: await signDrawRequest(a.session, { roomId: 'chests', game: 'raid', kind: 'chests', action, commitment: commitments[0]! }), delegation: a.delegation };
    // B's session key signed A's commitment, not B's own: B never asked for this draw.
    const authB = { signature: await signDrawRequest(b.session, { roomId: 'chests', game: 'raid', kind: 'chests', action, commitment: commitments[0]! }), delegation: b.delegation };
    await room.receipt({
      game: 'raid',
      kind: 'chests',
      action,
      players: [
        { address: a.wallet.address, commitment: commitments[0]!, authorization: authA },
        { address: b.wallet.address, commitment: commitments[1]!, authorization: authB },
      ],
    });
    expect(receiptProblemsOf(await room.transcript(), keys)).toEqual(['player 1: authorization not signed by the delegated session key']);
  });
});
