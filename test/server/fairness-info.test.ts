/**
 * GET /fairness publishes what an auditor pins, from the games' own definitions: every game with
 * its mappings and terms, and the EIP-712 types of both signed records, which recover the
 * receipt signer from a real room's receipt and close record with nothing but what it published.
 */
import { Client } from '@colyseus/sdk';
import { verifyTypedData, Wallet, type TypedDataField } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GAMES, MAPPING_VERSIONS } from '../../games/registry.ts';
import { closedTranscript, getJson, authorize, signInToken } from '../helpers/player.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

interface Published {
  receiptSigner: string;
  mappings: Record<string, string>;
  receipt: { domain: Record<string, string>; types: Record<string, TypedDataField[]>; primaryType: string };
  close: { domain: Record<string, string>; types: Record<string, TypedDataField[]>; primaryType: string };
  games: Record<string, { title: string; maxClients: number; mappings: Record<string, string>; terms: Record<string, unknown> }>;
  chips: { unitsPerChip: number; startingChips: number };
}

let server: ServerProcess;
beforeAll(async () => {
  server = await startServerProcess({ env: { HOUSE_EDGE_BPS: '150', MAX_BET: '2500' } });
});
afterAll(async () => {
  await server?.stop();
});

describe('GET /fairness', () => {
  it('lists every registered game with its mappings and the terms this server sets', async () => {
    const f = await getJson<Published>(`${server.url}/fairness`);
    expect(Object.keys(f.games)).toEqual(GAMES.map((g) => g.id));
    for (const g of GAMES) {
      expect(f.games[g.id]).toMatchObject({ title: g.title, maxClients: g.maxClients });
      for (const [kind, version] of Object.entries(f.games[g.id]!.mappings)) expect(MAPPING_VERSIONS[`${g.id}/${kind}`]).toBe(version);
    }
    expect(f.mappings).toEqual(MAPPING_VERSIONS);
    // Bet limits and the starting allowance in chips; the unit that stakes, payouts and balances are counted in.
    expect(f.games['dice']!.terms).toMatchObject({ houseEdgeBps: 150, minBet: 0.01, maxBet: 2500 });
    expect(f.games['blackjack']!.terms).toMatchObject({ minBet: 0.01, maxBet: 2500 });
    expect(f.chips).toEqual({ unitsPerChip: 1_000_000, startingChips: 1000 });
  });

  it('publishes the typed data that recovers the signer of a real receipt and close record', async () => {
    const f = await getJson<Published>(`${server.url}/fairness`);
    const client = new Client(server.url);
    const wallet = Wallet.createRandom();
    client.auth.token = await signInToken(server.url, wallet);
    const room = await client.create('blackjack');
    const commitment = 'ab'.repeat(32);
    room.send('bet', { stake: 20_000, commitment, authorization: await authorize(wallet, room.roomId, 'blackjack', 'hand', { stake: 20_000 }, commitment) });
    await new Promise<void>((resolve) => room.onMessage('receipt', () => resolve()));
    const roomId = room.roomId;
    await room.leave();
    // The room closes once its only player left: the unrevealed hand is voided, then the close record.
    const transcript = await closedTranscript(server.url, roomId);
    const receipt = transcript.records[0]!;
    const close = transcript.records.at(-1)!;
    if (receipt.type !== 'receipt' || close.type !== 'close') throw new Error('expected a receipt first and a close last');
    // Built from the record exactly as FAIRNESS.md section 5 says, with the published types only.
    const receiptMessage = {
      roomId: receipt.roomId, drawSeq: receipt.drawSeq, recordSeq: receipt.seq, prevHash: '0x' + receipt.prev, game: receipt.game, kind: receipt.kind,
      action: JSON.stringify(receipt.action), players: receipt.players, commitments: receipt.commitments.map((c) => '0x' + c),
      suite: receipt.suite, keyId: receipt.keyId, issuedAt: receipt.issuedAt,
    };
    const closeMessage = { roomId: close.roomId, recordSeq: close.seq, prevHash: '0x' + close.prev, draws: close.drawSeq, closedAt: close.closedAt };
    expect(verifyTypedData(f.receipt.domain, f.receipt.types, receiptMessage, receipt.signature)).toBe(f.receiptSigner);
    expect(verifyTypedData(f.close.domain, f.close.types, closeMessage, close.signature)).toBe(f.receiptSigner);
    expect(verifyTypedData(f.close.domain, f.close.types, { ...closeMessage, draws: close.drawSeq + 1 }, close.signature)).not.toBe(f.receiptSigner);
  });
});
