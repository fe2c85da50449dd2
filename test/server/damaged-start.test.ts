/**
 * A damaged record never stops the server from starting. A server is killed (SIGKILL) with two
 * rooms left open; one record in the middle of one room is then damaged in the database, and the
 * previous version's journals (the fixture `test/fixtures/journal-version/`) are put in its data
 * directory with a damaged line in the middle of `awards.jsonl` and of `chips.jsonl`. The next
 * start sets each aside and reports it (an error log naming it, `fairplay_damaged_total{kind}`,
 * `/health` warnings, the room's transcript route, a report beside each damaged file), serves the
 * rest (the other room, the balances and awards of the undamaged lines), and a start after that
 * does not fail either.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import type { Transcript } from '../../vrf/protocol/transcript.ts';
import { Gambler } from '../helpers/gambler.ts';
import { getJson } from '../helpers/player.ts';
import { inDatabase } from '../helpers/rooms-db.ts';
import { serverBackend, serverPlace } from '../helpers/server-database.ts';
import { startServerProcess, tempDataDir, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';

const FIXTURE = 'test/fixtures/journal-version';
const DAMAGED_LINE = 'this line was torn by interleaved writes {"awardId":"ab';

/** Plays `draws` dice draws to their outcome in a room of its own; the room is left open. */
async function play(url: string, draws: number): Promise<Gambler> {
  const gambler = await Gambler.enter(url, Wallet.createRandom() as unknown as Wallet);
  for (let i = 0; i < draws; i++) {
    const placed = await gambler.bet({ stake: UNITS_PER_CHIP, target: 5000, direction: 'under' });
    if ('refused' in placed) throw new Error(`bet refused: ${placed.refused}`);
    gambler.reveal(placed.receipt.drawSeq, placed.seed);
    await gambler.outcome(placed.receipt.drawSeq);
  }
  return gambler;
}

/** The old journal `name` of the fixture, with line `line` (1-based, in the middle) damaged; and the lines kept. */
function damagedJournal(dataDir: string, name: string, line: number): unknown[] {
  const lines = readFileSync(join(FIXTURE, name), 'utf8').split('\n').filter(Boolean);
  expect(line).toBeGreaterThan(1);
  expect(line).toBeLessThan(lines.length);
  lines[line - 1] = DAMAGED_LINE;
  writeFileSync(join(dataDir, name), lines.join('\n') + '\n');
  return lines.filter((_, i) => i !== line - 1).map((l) => JSON.parse(l) as unknown);
}

const damagedCount = async (server: ServerProcess, kind: string): Promise<number> => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(new RegExp(`^fairplay_damaged_total\\{kind="${kind}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
};

describe(`a start with damaged data (${serverBackend()})`, () => {
  it('sets aside a damaged room record, award line and chip line, reports each, serves the rest, and starts again', { timeout: timeoutWithStarts(3, 120_000) }, async () => {
    const dataDir = tempDataDir();
    let server = await startServerProcess({ dataDir });
    const damagedRoom = await play(server.url, 3);
    const soundRoom = await play(server.url, 1);
    const [damagedId, soundId] = [damagedRoom.room.roomId, soundRoom.room.roomId];
    // Killed with both rooms open: the next start recovers them.
    await server.stop('SIGKILL');

    // Record 2 of 6 (receipt, outcome, receipt, outcome, …) cut in half in the database.
    const place = await serverPlace(dataDir);
    await inDatabase(place, (db) =>
      db.updateTable('room_records').set({ json: sql`substr(json, 1, length(json) / 2)` }).where('room_id', '=', damagedId).where('seq', '=', 2).execute(),
    );
    // The previous version's journals, each with a damaged line in the middle.
    cpSync(join(FIXTURE, 'rooms'), join(dataDir, 'rooms'), { recursive: true });
    cpSync(join(FIXTURE, 'mints.jsonl'), join(dataDir, 'mints.jsonl'));
    const awards = damagedJournal(dataDir, 'awards.jsonl', 4) as { awardId: string; player: string }[];
    const chips = damagedJournal(dataDir, 'chips.jsonl', 12) as { address: string; delta: number }[];

    server = await startServerProcess({ dataDir, port: server.port });
    try {
      // Each damaged item: logged at error level with what and where.
      const errors = server.logs.join('').split('\n').filter((l) => l.includes('"level":50'));
      expect(errors.find((l) => l.includes(`room ${damagedId}, record 2`)), 'the damaged room logged').toBeDefined();
      expect(errors.find((l) => l.includes('awards.jsonl:4')), 'the damaged award line logged').toBeDefined();
      expect(errors.find((l) => l.includes('chips.jsonl:12')), 'the damaged chip line logged').toBeDefined();
      // Counted in /metrics.
      expect(await damagedCount(server, 'room')).toBe(1);
      expect(await damagedCount(server, 'award-journal')).toBe(1);
      expect(await damagedCount(server, 'chip-journal')).toBe(1);
      // Listed by /health as a warning: the server is healthy.
      const health = await fetch(`${server.url}/health`);
      const healthBody = (await health.json()) as { ok: boolean; warnings?: { damaged: { kind: string; where: string }[] } };
      console.log('GET /health warnings:', JSON.stringify(healthBody.warnings));
      expect(health.status).toBe(200);
      expect(healthBody.warnings?.damaged.map((d) => d.kind).sort()).toEqual(['award-journal', 'chip-journal', 'room']);

      // The damaged room is set aside and says so, with the reason.
      const answer = await fetch(`${server.url}/rooms/${damagedId}/transcript`);
      expect(answer.status).toBe(409);
      const body = (await answer.json()) as { error: string; damaged: string };
      console.log('damaged room answer:', JSON.stringify(body));
      expect(body.damaged).toMatch(/record 2 is damaged/);
      // The other room was recovered and filed.
      const sound = await getJson<Transcript>(`${server.url}/rooms/${soundId}/transcript`);
      expect(sound.records.map((r) => r.type)).toEqual(['receipt', 'outcome', 'close']);
      const listed = await getJson<{ rooms: { roomId: string }[] }>(`${server.url}/rooms?status=closed`);
      expect(listed.rooms.map((r) => r.roomId)).toContain(soundId);
      expect(listed.rooms.map((r) => r.roomId)).not.toContain(damagedId);

      // The undamaged lines were imported: balances as they add up, every award but the damaged line's.
      const balances = new Map<string, number>();
      for (const e of chips) balances.set(e.address.toLowerCase(), (balances.get(e.address.toLowerCase()) ?? 0) + e.delta);
      for (const [address, units] of balances) expect((await getJson<{ balance: number }>(`${server.url}/players/${address}/chips`)).balance, address).toBe(units);
      for (const player of new Set(awards.map((a) => a.player))) {
        const served = await getJson<{ awards: { awardId: string }[] }>(`${server.url}/players/${player}/awards`);
        expect(served.awards.map((a) => a.awardId).sort()).toEqual(awards.filter((a) => a.player === player).map((a) => a.awardId).sort());
      }
      // Each damaged file kept as `.damaged`, beside its report; the sound one renamed as imported.
      for (const [name, line] of [['awards.jsonl', 4], ['chips.jsonl', 12]] as const) {
        expect(existsSync(join(dataDir, name)), name).toBe(false);
        expect(existsSync(join(dataDir, `${name}.damaged`)), `${name}.damaged`).toBe(true);
        const report = JSON.parse(readFileSync(join(dataDir, `${name}.damaged.json`), 'utf8')) as { damagedLines: { line: number }[] };
        expect(report.damagedLines.map((d) => d.line)).toEqual([line]);
      }
      expect(existsSync(join(dataDir, 'mints.jsonl.imported'))).toBe(true);
      // A player plays on.
      await (await play(server.url, 1)).room.leave();
    } finally {
      await server.stop();
    }

    // A start after that does not fail either: nothing new is damaged, the room is still set aside.
    server = await startServerProcess({ dataDir, port: server.port });
    try {
      expect(await damagedCount(server, 'room')).toBe(0);
      expect((await (await fetch(`${server.url}/health`)).json()) as object).not.toHaveProperty('warnings');
      expect((await fetch(`${server.url}/rooms/${damagedId}/transcript`)).status).toBe(409);
      expect((await getJson<Transcript>(`${server.url}/rooms/${soundId}/transcript`)).records.at(-1)?.type).toBe('close');
    } finally {
      await server.stop();
    }
  });
});
