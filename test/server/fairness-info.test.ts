/**
 * GET /fairness publishes what an auditor pins, from the games' own definitions: every game with
 * its mappings, rules document (with the operator's edge) and policy terms, and the EIP-712
 * types of the receipt and the seal, which recover the receipt signer from a real room's
 * receipt, void and close record with nothing but what it published.
 */
import { Client } from '@colyseus/sdk';
import { createHash } from 'node:crypto';
import { verifyTypedData, Wallet, type TypedDataField } from 'ethers';
import { canonicalJson, type JsonValue } from '../../vrf/protocol/encoding.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GAMES, MAPPING_VERSIONS } from '../../games/registry.ts';
import { closedTranscript, getJson, authorize, signInToken } from '../helpers/player.ts';
import { serverBackend } from '../helpers/server-database.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

interface Published {
  receiptSigner: string;
  mappings: Record<string, string>;
  receipt: { domain: Record<string, string>; types: Record<string, TypedDataField[]>; primaryType: string };
  seal: { domain: Record<string, string>; types: Record<string, TypedDataField[]>; primaryType: string };
  rules: Record<string, { game: string; mappings: Record<string, string>; terms: Record<string, unknown> }>;
  games: Record<string, { title: string; maxClients: number; mappings: Record<string, string>; rulesHash: string; terms: Record<string, unknown> }>;
  chips: { unitsPerChip: number; startingChips: number };
  awards: { minAmounts: Record<string, number> };
}

let server: ServerProcess;
beforeAll(async () => {
  server = await startServerProcess({ env: { HOUSE_EDGE_BPS: '150', MAX_BET: '2500', MIN_AWARD_AMOUNTS: '102:2' } });
});
afterAll(async () => {
  await server?.stop();
});

describe('the suite\'s database', () => {
  // The server suite runs twice, on SQLite and on PostgreSQL (vitest.config.ts): this is what says the second run really is on PostgreSQL.
  it(`is ${serverBackend()} for this run`, async () => {
    const health = await getJson<{ database: { ok: boolean; dialect: string } }>(`${server.url}/health`);
    expect(health.database).toMatchObject({ ok: true, dialect: serverBackend().toLowerCase() });
  });
});

describe('GET /fairness', () => {
  it('lists every registered game with its mappings, its rules (with this server\'s edge) and their hash', async () => {
    const f = await getJson<Published>(`${server.url}/fairness`);
    expect(Object.keys(f.games)).toEqual(GAMES.map((g) => g.id));
    for (const g of GAMES) {
      expect(f.games[g.id]).toMatchObject({ title: g.title, maxClients: g.maxClients });
      for (const [kind, version] of Object.entries(f.games[g.id]!.mappings)) expect(MAPPING_VERSIONS[`${g.id}/${kind}`]).toBe(version);
    }
    expect(f.mappings).toEqual(MAPPING_VERSIONS);
    expect(f.rules['dice']!.terms).toMatchObject({ edgeBps: 150 });
    for (const g of GAMES) {
      expect(f.rules[g.id]!.mappings).toEqual(f.games[g.id]!.mappings);
      const hash = createHash('sha256').update(canonicalJson(f.rules[g.id] as unknown as JsonValue)).digest('hex');
      expect(f.games[g.id]!.rulesHash).toBe(hash);
    }
    // Bet limits and the starting allowance in chips; the unit that stakes, payouts and balances are counted in.
    expect(f.games['dice']!.terms).toMatchObject({ minBet: 0.01, maxBet: 2500 });
    expect(f.games['blackjack']!.terms).toMatchObject({ minBet: 0.01, maxBet: 2500 });
    expect(f.chips).toEqual({ unitsPerChip: 1_000_000, startingChips: 1000 });
    // Awards of a token below its minimum wait for more of the player's; tokens not named: 1.
    expect(f.awards).toEqual({ minAmounts: { '102': 2 } });
  });

  it('publishes the typed data that recovers the signer of a real receipt, void and close record', async () => {
    const f = await getJson<Published>(`${server.url}/fairness`);
    const client = new Client(server.url);
    const wallet = Wallet.createRandom();
    client.auth.token = await signInToken(server.url, wallet);
    const room = await client.create('blackjack');
    const commitment = 'ab'.repeat(32);
    room.send('bet', { stake: 20_000, commitment, authorization: await authorize(wallet, room.roomId, 'blackjack', 'hand', { stake: 20_000 }, commitment, f.games['blackjack']!.rulesHash) });
    await new Promise<void>((resolve) => room.onMessage('receipt', () => resolve()));
    const roomId = room.roomId;
    await room.leave();
    // The room closes once its only player left: the unrevealed hand is voided, then the close record.
    const transcript = await closedTranscript(server.url, roomId);
    const [receipt, voided, close] = transcript.records;
    if (receipt?.type !== 'receipt' || voided?.type !== 'void' || close?.type !== 'close') throw new Error('expected a receipt, a void and a close');
    expect(receipt.rulesHash).toBe(f.games['blackjack']!.rulesHash);
    expect(voided).toMatchObject({ reason: 'room-closed', missing: [0] });
    // Built from the records exactly as FAIRNESS.md sections 5 and 5b say, with the published types only.
    const receiptMessage = {
      roomId: receipt.roomId, drawSeq: receipt.drawSeq, recordSeq: receipt.seq, prevHash: '0x' + receipt.prev, game: receipt.game, kind: receipt.kind,
      action: JSON.stringify(receipt.action), players: receipt.players, commitments: receipt.commitments.map((c) => '0x' + c),
      suite: receipt.suite, keyId: receipt.keyId, issuedAt: receipt.issuedAt, rulesHash: '0x' + receipt.rulesHash,
      revealDeadline: receipt.revealDeadline, maxPayout: receipt.maxPayout,
    };
    // The court terms (section 5c): the default reveal window, and a won double's 4 × stake in whole coins.
    expect(receipt.revealDeadline! - receipt.issuedAt).toBe(86_400_000);
    expect(receipt.maxPayout).toBe(Math.floor((4 * (receipt.action['stake'] as number)) / 1_000_000));
    expect(verifyTypedData(f.receipt.domain, f.receipt.types, receiptMessage, receipt.signature)).toBe(f.receiptSigner);
    for (const record of [voided, close]) {
      const { signature, hash: _hash, ...body } = record;
      const bodyHash = '0x' + createHash('sha256').update(canonicalJson(body as unknown as JsonValue)).digest('hex');
      const seal = { roomId: record.roomId, recordSeq: record.seq, prevHash: '0x' + record.prev, bodyHash };
      expect(verifyTypedData(f.seal.domain, f.seal.types, seal, signature!)).toBe(f.receiptSigner);
      expect(verifyTypedData(f.seal.domain, f.seal.types, { ...seal, recordSeq: record.seq + 1 }, signature!)).not.toBe(f.receiptSigner);
    }
  });
});
