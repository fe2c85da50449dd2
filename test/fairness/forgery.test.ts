/**
 * Protocol v2 against its operator: an operator holding both its keys (receipts and VRF) writes a
 * draw in a player's name with a commitment of its own (so a seed it knows and can grind),
 * re-rolls a revealed seed in another room, changes the edge, or adds a move the player never
 * made; anyone rewrites a live transcript's tail into voids. Every other check passes (the
 * operator signs, proves and chains honestly); the verifier refuses each, with a reason. Also:
 * what a genuine authorisation is (a session key under a delegation, or the address itself), and
 * the ways one can fail to be it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet, type HDNodeWallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import type { RoomTranscript } from '../../server/fairness/room-transcript.ts';
import { authorizationProblem, drawRequestDigest, signDrawRequest, type DrawAuthorization, type DrawRequest } from '../../vrf/protocol/authorization.ts';
import { receiptDigest, sealDigest } from '../../vrf/protocol/receipt.ts';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import { recordHash, type HashedRecord } from '../../vrf/protocol/records.ts';
import { buildSignInMessage } from '../../vrf/protocol/sign-in-message.ts';
import { verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { TranscriptVerifier, type TrustedKeys } from '../../vrf/protocol/verifier.ts';
import { main } from '../../vrf/cli.ts';
import { PUBLISHED_RULES, rulesProblem } from '../../games/registry.ts';
import { rulesHash } from '../../games/rules-document.ts';
import { openRoom, publishedRulesHash } from './room-fixture.ts';

const DICE = { game: 'dice', kind: 'roll', action: { stake: 10, target: 5000, direction: 'under' }, rulesHash: publishedRulesHash('dice') };

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

/**
 * What a forger does after editing records: every prev and hash recomputed, so the chain holds;
 * with the operator's key (`signer`) every receipt signed and every other record sealed again.
 */
function rechain(t: Transcript, signer?: Wallet | HDNodeWallet): Transcript {
  let prev = '0'.repeat(64);
  const records = t.records.map((r) => {
    const { hash: _old, ...bare } = r as HashedRecord;
    let linked = { ...bare, prev } as HashedRecord;
    if (signer) {
      const { signature: _s, ...unsigned } = linked as HashedRecord & { signature?: string };
      const digest = linked.type === 'receipt' ? receiptDigest(linked) : sealDigest(unsigned as HashedRecord);
      linked = { ...linked, signature: signer.signingKey.sign(digest).serialized } as HashedRecord;
    }
    prev = recordHash(linked);
    return { ...linked, hash: prev };
  });
  return { ...t, records };
}

const receiptProblemsOf = (t: Transcript, keys: TrustedKeys) => verifyTranscript(t, keys).records[0]!.problems;

/** A draw request's authorisation checked at a time inside the delegations the tests make. */
const check = (request: DrawRequest, player: string, auth: DrawAuthorization | undefined) => authorizationProblem(drawRequestDigest(request), player, auth, Date.now());

describe('an operator forging a draw in a player\'s name', () => {
  it('with its own commitment and no authorization: verifies as v1 would, refused as v2', async () => {
    const { room, keys, operator } = await openRoom('forged');
    const victim = Wallet.createRandom().address;
    // The operator's own seed: it knows the outcome before writing the receipt, and can grind.
    const signed = await draw(room, victim, { signature: await signDrawRequest(Wallet.createRandom(), { roomId: 'forged', ...DICE, commitment: seedCommitment(newSeed()) }) });
    const { authorizations: _dropped, ...bare } = signed.records[0] as HashedRecord & { authorizations?: unknown };
    const stripped = rechain({ ...signed, records: [bare as HashedRecord, ...signed.records.slice(1)] }, operator);
    // Everything else the operator did is in order: only the missing authorisation is flagged.
    const report = verifyTranscript(stripped, keys);
    expect(report.ok).toBe(false);
    expect(report.records.map((r) => r.problems)).toEqual([['receipt carries no authorizations: no player asked for this draw'], []]);
    // The auditor's CLI goes through the same verifier.
    const file = join(mkdtempSync(join(tmpdir(), 'forgery-')), 'transcript.json');
    writeFileSync(file, JSON.stringify(stripped));
    const lines: string[] = [];
    expect(await main(['verify-transcript', file, '--pk', keys.publicKey, '--signer', keys.receiptSigner], (l) => lines.push(l))).toBe(1);
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
    expect(check(request, p.wallet.address, auth)).toBeUndefined();
    const t = await draw(room, p.wallet.address, auth, seed);
    expect(verifyTranscript(t, keys)).toMatchObject({ ok: true, pendingDraws: [] });
    expect(t.format).toBe('fairplay-transcript-v2');
  });

  it('by the player\'s address itself (no session key) verifies', async () => {
    const wallet = Wallet.createRandom();
    const request: DrawRequest = { roomId: 'r', ...DICE, commitment: seedCommitment(newSeed()) };
    expect(check(request, wallet.address, { signature: await signDrawRequest(wallet, request) })).toBeUndefined();
  });

  it('for another room, action, kind, commitment or rules is refused', async () => {
    const p = await delegatedPlayer();
    const request: DrawRequest = { roomId: 'here', ...DICE, commitment: seedCommitment(newSeed()) };
    const others: DrawRequest[] = [
      { ...request, roomId: 'elsewhere' },
      { ...request, action: { ...DICE.action, stake: 1000 } },
      { ...request, rulesHash: '5'.repeat(64) },
      { ...request, kind: 'hand' },
      { ...request, commitment: seedCommitment(newSeed()) },
    ];
    for (const other of others) {
      const auth = { signature: await signDrawRequest(p.session, other), delegation: p.delegation };
      expect(check(request, p.wallet.address, auth)).toBe('authorization not signed by the delegated session key');
    }
  });

  it('under a delegation signed by someone else, for someone else, or unreadable, is refused', async () => {
    const p = await delegatedPlayer();
    const request: DrawRequest = { roomId: 'here', ...DICE, commitment: seedCommitment(newSeed()) };
    const signature = await signDrawRequest(p.session, request);
    const stranger = Wallet.createRandom();
    const checkWith = (d: { message: string; signature: string }) => check(request, p.wallet.address, { signature, delegation: d });
    expect(checkWith(await delegation(p.wallet, p.session.address, stranger))).toBe('delegation not signed by the player');
    expect(checkWith(await delegation(stranger, p.session.address))).toBe('delegation is for another address than the player');
    expect(checkWith(await delegation(p.wallet, Wallet.createRandom().address))).toBe('authorization not signed by the delegated session key');
    const noResource = buildSignInMessage({ domain: 'play.example', uri: 'https://play.example', address: p.wallet.address, nonce: 'abcdef123456' });
    expect(checkWith({ message: noResource, signature: await p.wallet.signMessage(noResource) })).toMatch(/cannot be checked: delegation message has no Resources/);
    const twoKeys = `${p.delegation.message}\n- urn:fairplay:session-key:${stranger.address}`;
    expect(checkWith({ message: twoKeys, signature: await p.wallet.signMessage(twoKeys) })).toMatch(/names 2 session keys/);
    expect(checkWith({ message: 'hello', signature: await p.wallet.signMessage('hello') })).toMatch(/not an EIP-4361 sign-in message/);
    expect(check(request, p.wallet.address, undefined)).toBe('no authorization');
  });

  it('of a chest draw is needed from every player: one missing fails the receipt', async () => {
    const { room, keys } = await openRoom('chests');
    const action = { round: 1, count: 6 };
    const [a, b] = [await delegatedPlayer(), await delegatedPlayer()];
    const seeds = [newSeed(), newSeed()];
    const commitments = seeds.map(seedCommitment);
    const authA = { signature: await signDrawRequest(a.session, { roomId: 'chests', game: 'raid', kind: 'chests', action, commitment: commitments[0]!, rulesHash: publishedRulesHash('raid') }), delegation: a.delegation };
    // B's session key signed A's commitment, not B's own: B never asked for this draw.
    const authB = { signature: await signDrawRequest(b.session, { roomId: 'chests', game: 'raid', kind: 'chests', action, commitment: commitments[0]!, rulesHash: publishedRulesHash('raid') }), delegation: b.delegation };
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

describe('an operator holding its keys, against a signed transcript', () => {
  it('re-rolls a revealed seed in another room: the player signed for the first room only, and a shared commitment log flags the reuse', async () => {
    const { room, keys, operator } = await openRoom('room-a');
    const p = await delegatedPlayer();
    const seed = newSeed();
    const request: DrawRequest = { roomId: 'room-a', ...DICE, commitment: seedCommitment(seed) };
    const auth = { signature: await signDrawRequest(p.session, request), delegation: p.delegation };
    const a = await draw(room, p.wallet.address, auth, seed);
    expect(verifyTranscript(a, keys)).toMatchObject({ ok: true });
    // The operator opens room B on the revealed seed: the receipt copied with the player's authorisation, signed anew.
    const inB = (t: Transcript, authorization: DrawAuthorization): Transcript =>
      rechain({ ...t, roomId: 'room-b', records: [{ ...t.records[0]!, roomId: 'room-b', authorizations: [authorization] } as HashedRecord] }, operator);
    expect(receiptProblemsOf(inB(a, auth), keys)).toEqual(['player 0: authorization not signed by the delegated session key']);
    // Even a player who signed for both rooms is caught: the verifier of both transcripts shares one log of commitments.
    const c = inB(a, { signature: await signDrawRequest(p.session, { ...request, roomId: 'room-b' }), delegation: p.delegation });
    expect(verifyTranscript(c, keys)).toMatchObject({ ok: true, pendingDraws: [0] }); // alone, room B looks fine
    const log = new Map<string, string>();
    const feed = (t: Transcript) => {
      const v = new TranscriptVerifier(t.roomId, keys, 2, log);
      return t.records.map((r) => v.accept(r).problems);
    };
    expect(feed(a)).toEqual([[], []]);
    expect(feed(c)).toEqual([[expect.stringMatching(/commitment [0-9a-f]{16}… was already used \(room room-a receipt 0\): a revealed seed reused/)]]);
    // The CLI given both transcripts says the same.
    const dir = mkdtempSync(join(tmpdir(), 'reroll-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify(a));
    writeFileSync(join(dir, 'c.json'), JSON.stringify(c));
    const lines: string[] = [];
    const args = ['verify-transcript', join(dir, 'a.json'), join(dir, 'c.json'), '--pk', keys.publicKey, '--signer', keys.receiptSigner];
    expect(await main(args, (l) => lines.push(l), (l) => lines.push(l))).toBe(1);
    expect(lines.join('\n')).toMatch(/c\.json: record 0 receipt draw 0: commitment .* already used \(room room-a receipt 0\)/);
  });

  it('changes the edge: a receipt under other rules than the pinned ones is refused, and the player never signed for them', async () => {
    const { room, keys, operator } = await openRoom('edge');
    const p = await delegatedPlayer();
    const seed = newSeed();
    const auth = { signature: await signDrawRequest(p.session, { roomId: 'edge', ...DICE, commitment: seedCommitment(seed) }), delegation: p.delegation };
    const honest = await draw(room, p.wallet.address, auth, seed);
    expect(verifyTranscript(honest, keys)).toMatchObject({ ok: true });
    const rules = { ...PUBLISHED_RULES['dice']!, terms: { ...PUBLISHED_RULES['dice']!.terms, edgeBps: 500 } };
    const repriced = structuredClone(honest);
    (repriced.records[0] as { rulesHash?: string }).rulesHash = rulesHash(rules);
    const forged = rechain(repriced, operator);
    expect(receiptProblemsOf(forged, keys)).toEqual([
      'player 0: authorization not signed by the delegated session key',
      `rulesHash ${rulesHash(rules).slice(0, 16)}… is not the hash of the pinned rules of dice`,
    ]);
    // Pinning the operator's own rules does not help it: the player signed the published ones.
    expect(receiptProblemsOf(forged, { ...keys, rules: { ...PUBLISHED_RULES, dice: rules } })).toEqual(['player 0: authorization not signed by the delegated session key']);
    // Nor can rules change what an operator may not set.
    const moved = { ...PUBLISHED_RULES['raid']!, terms: { ...PUBLISHED_RULES['raid']!.terms, chestsPerRound: 7 } };
    expect(verifyTranscript(honest, { ...keys, rules: { ...PUBLISHED_RULES, raid: moved } }).ok).toBe(true); // dice only: raid's rules unused
    expect(rulesProblem(moved)).toMatch(/differ from the published ones in more than the terms an operator may set \(none\)/);
  });

  it('rewrites a live tail into voids: without the operator key every record after the edit fails its seal', async () => {
    const { room, keys } = await openRoom('tail');
    for (let i = 0; i < 2; i++) {
      const p = await delegatedPlayer();
      const seed = newSeed();
      await draw(room, p.wallet.address, { signature: await signDrawRequest(p.session, { roomId: 'tail', ...DICE, commitment: seedCommitment(seed) }), delegation: p.delegation }, seed);
    }
    const t = await room.transcript();
    expect(verifyTranscript(t, keys)).toMatchObject({ ok: true });
    const records = t.records.map((r) => {
      if (r.type !== 'outcome') return r;
      const { seeds: _s, alpha: _a, pi: _p, beta: _b, result: _r, ...rest } = r;
      return { ...rest, type: 'void', reason: 'reveal-timeout', missing: [0] } as unknown as HashedRecord;
    });
    const report = verifyTranscript(rechain({ ...t, records }), keys);
    expect(report.ok).toBe(false);
    // The receipt after the first edit names the edited record's hash as its prev, which its signature covers.
    expect(report.records.map((r) => r.problems)).toEqual([[], ['void not sealed by the pinned signer'], ['receipt not signed by the pinned signer'], ['void not sealed by the pinned signer']]);
  });

  it('voids without the reason and missing players v2 requires: refused', async () => {
    const { room, keys, operator } = await openRoom('voids');
    const p = await delegatedPlayer();
    const seed = newSeed();
    await room.receipt({ ...DICE, players: [{ address: p.wallet.address, commitment: seedCommitment(seed), authorization: { signature: await signDrawRequest(p.session, { roomId: 'voids', ...DICE, commitment: seedCommitment(seed) }), delegation: p.delegation } }] });
    await room.void(0, 'reveal-timeout');
    const t = await room.transcript();
    expect(verifyTranscript(t, keys)).toMatchObject({ ok: true });
    expect(t.records[1]).toMatchObject({ type: 'void', reason: 'reveal-timeout', missing: [0] });
    const edit = (change: Record<string, unknown>) => {
      const c = structuredClone(t);
      Object.assign(c.records[1]!, change);
      for (const [k, v] of Object.entries(change)) if (v === undefined) delete (c.records[1] as unknown as Record<string, unknown>)[k];
      return verifyTranscript(rechain(c, operator), keys).records[1]!.problems;
    };
    expect(edit({ reason: 'the house felt like it' })).toEqual(['void reason "the house felt like it" is not one of reveal-timeout, room-closed, server-restart']);
    expect(edit({ missing: [1] })).toEqual(['void missing list must be ascending places in the receipt players']);
    expect(edit({ missing: undefined })).toEqual(['void names no player whose seed never came']);
  });
});
