/**
 * The worked example of FAIRNESS.md section 9: three rooms (a dice roll, a raid chest draw over
 * two players, a blackjack hand with signed moves), each then closed, played with fixed keys, seeds and clock
 * (and raid-loot-v1 applied to the chest draw's beta under both loot tables, a mapping vector),
 * through the server's own RoomTranscript, so every record is exactly what the server writes.
 * `workedExampleMarkdown()` renders the section; the test checks FAIRNESS.md holds it verbatim.
 * Run this file to print it: `npx tsx test/fairness/worked-example.ts`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Wallet } from 'ethers';
import { PUBLISHED_RULES } from '../../games/registry.ts';
import { rulesHash } from '../../games/rules-document.ts';
import { cardName, deckOf, handState } from '../../games/blackjack/rules.ts';
import { COIN_LOOT_TABLE, FREE_TILES, LOOT_TABLE, lootOutcome } from '../../games/raid/rules.ts';
import { createFairnessContext } from '../../server/fairness/context.ts';
import { RoomTranscript } from '../../server/fairness/room-transcript.ts';
import { getSuite } from '../../vrf/index.ts';
import { BetaStream, OutcomeReader } from '../../vrf/outcome.ts';
import { signDrawMove, signDrawRequest, type DrawAuthorization } from '../../vrf/protocol/authorization.ts';
import { seedCommitment, vrfKeyId } from '../../vrf/protocol/commitment.ts';
import { bytesToHex, canonicalJson, hexToBytes, type JsonValue } from '../../vrf/protocol/encoding.ts';
import { bodyHash, receiptDigest, sealDigest } from '../../vrf/protocol/receipt.ts';
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import { buildSignInMessage } from '../../vrf/protocol/sign-in-message.ts';
import type { Transcript } from '../../vrf/protocol/transcript.ts';
import { journalRoomLog } from '../helpers/journal-room-log.ts';

export const inputs = {
  suite: 'ECVRF-EDWARDS25519-SHA512-TAI',
  vrfSecretKey: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  operatorKey: '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318',
  /** Alice signs in with a wallet that delegates to a session key; Bob signs his own requests. */
  aliceKey: '0x0123456789012345678901234567890123456789012345678901234567890123',
  aliceSessionKey: '0x1111111111111111111111111111111111111111111111111111111111111111',
  bobKey: '0x2222222222222222222222222222222222222222222222222222222222222222',
  signIn: { domain: 'play.example', uri: 'https://play.example', nonce: 'workedexample1', issuedAt: '2026-11-22T12:00:00.000Z', expirationTime: '2026-11-23T12:00:00.000Z' },
  /** Every record's clock: receipts' issuedAt and the close's closedAt. */
  now: 1795353600000,
  seeds: {
    dice: '5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed',
    raidAlice: 'a11ce000a11ce000a11ce000a11ce000a11ce000a11ce000a11ce000a11ce000',
    raidBob: 'b0b00000b0b00000b0b00000b0b00000b0b00000b0b00000b0b00000b0b00000',
    blackjack: 'b1ac4ac2b1ac4ac2b1ac4ac2b1ac4ac2b1ac4ac2b1ac4ac2b1ac4ac2b1ac4ac2', // chosen so that Alice hits, then stands
  },
  /** Stakes in units, 10^6 to the chip: 10 chips each. */
  dice: { stake: 10_000_000, target: 5000, direction: 'under' },
  raid: { round: 1, count: 6 },
  blackjack: { stake: 10_000_000 },
} as const;

/** Alice, her session key, and the sign-in message (signed by Alice) that delegates draws to it. */
export async function aliceSignedIn(): Promise<{ alice: Wallet; session: Wallet; delegation: { message: string; signature: string } }> {
  const alice = new Wallet(inputs.aliceKey);
  const session = new Wallet(inputs.aliceSessionKey);
  const message = buildSignInMessage({
    ...inputs.signIn,
    address: alice.address,
    sessionKey: session.address,
    issuedAt: new Date(inputs.signIn.issuedAt),
    expirationTime: new Date(inputs.signIn.expirationTime),
  });
  return { alice, session, delegation: { message, signature: await alice.signMessage(message) } };
}

export interface WorkedExample {
  readonly keys: { suite: string; publicKey: string; receiptSigner: string };
  readonly keyId: string;
  readonly alice: string;
  readonly aliceSession: string;
  readonly bob: string;
  readonly delegation: { message: string; signature: string };
  readonly dice: Transcript;
  readonly raid: Transcript;
  readonly blackjack: Transcript;
}

/** Plays the three rooms and returns their transcripts (each room in its own temporary journal). */
export async function buildWorkedExample(): Promise<WorkedExample> {
  const suite = getSuite(inputs.suite);
  const sk = hexToBytes(inputs.vrfSecretKey);
  const operator = new Wallet(inputs.operatorKey);
  const ctx = createFairnessContext({
    suite,
    vrfPublicKey: suite.publicKey(sk),
    operatorKey: inputs.operatorKey,
    operatorAddress: operator.address,
    prover: { prove: async (alpha) => ({ pi: suite.prove(sk, alpha), beta: suite.proofToHash(suite.prove(sk, alpha)) }), close: async () => undefined },
    rules: Object.values(PUBLISHED_RULES),
    now: () => inputs.now,
  });
  const { alice, session, delegation } = await aliceSignedIn();
  const bob = new Wallet(inputs.bobKey);
  const dir = mkdtempSync(join(tmpdir(), 'worked-example-'));
  const open = async (roomId: string) => RoomTranscript.open(await journalRoomLog(join(dir, `${roomId}.jsonl`)), roomId, ctx);
  const ask = async (room: RoomTranscript, game: string, kind: string, action: Record<string, JsonValue>, seed: string, signer: Wallet, delegated: boolean): Promise<DrawAuthorization> => {
    const signature = await signDrawRequest(signer, { roomId: room.roomId, game, kind, action, commitment: seedCommitment(seed), rulesHash: rulesHash(PUBLISHED_RULES[game]!) });
    return delegated ? { signature, delegation } : { signature };
  };

  const dice = await open('worked-dice');
  const diceAuth = await ask(dice, 'dice', 'roll', inputs.dice, inputs.seeds.dice, session, true);
  const roll = await dice.receipt({ game: 'dice', kind: 'roll', action: { ...inputs.dice }, players: [{ address: alice.address, commitment: seedCommitment(inputs.seeds.dice), authorization: diceAuth }] });
  await dice.reveal(roll.drawSeq, alice.address, inputs.seeds.dice);
  await dice.settle(roll.drawSeq);
  await dice.finish();

  const raid = await open('worked-raid');
  const chests = await raid.receipt({
    game: 'raid',
    kind: 'chests',
    action: { ...inputs.raid },
    players: [
      { address: alice.address, commitment: seedCommitment(inputs.seeds.raidAlice), authorization: await ask(raid, 'raid', 'chests', inputs.raid, inputs.seeds.raidAlice, session, true) },
      { address: bob.address, commitment: seedCommitment(inputs.seeds.raidBob), authorization: await ask(raid, 'raid', 'chests', inputs.raid, inputs.seeds.raidBob, bob, false) },
    ],
  });
  await raid.reveal(chests.drawSeq, alice.address, inputs.seeds.raidAlice);
  await raid.reveal(chests.drawSeq, bob.address, inputs.seeds.raidBob);
  await raid.settle(chests.drawSeq);
  await raid.finish();

  const table = await open('worked-blackjack');
  const hand = await table.receipt({
    game: 'blackjack',
    kind: 'hand',
    action: { ...inputs.blackjack },
    players: [{ address: alice.address, commitment: seedCommitment(inputs.seeds.blackjack), authorization: await ask(table, 'blackjack', 'hand', inputs.blackjack, inputs.seeds.blackjack, session, true) }],
  });
  await table.reveal(hand.drawSeq, alice.address, inputs.seeds.blackjack);
  // Alice plays as the page lets her: hit below 17, else stand, while her turn is open.
  const cards = deckOf(await table.beta(hand.drawSeq));
  const moves: string[] = [];
  for (let s = handState(cards, moves); !s.done; s = handState(cards, moves)) {
    const move = s.total < 17 ? 'hit' : 'stand';
    const signature = await signDrawMove(session, { roomId: table.roomId, drawSeq: hand.drawSeq, moveIndex: moves.length, move });
    await table.move(hand.drawSeq, alice.address, move, { signature, delegation });
    moves.push(move);
  }
  await table.settle(hand.drawSeq);
  await table.finish();

  const publicKey = bytesToHex(suite.publicKey(sk));
  return {
    keys: { suite: suite.name, publicKey, receiptSigner: operator.address },
    keyId: vrfKeyId(suite.name, suite.publicKey(sk)),
    alice: alice.address,
    aliceSession: session.address,
    bob: bob.address,
    delegation,
    dice: await dice.transcript(),
    raid: await raid.transcript(),
    blackjack: await table.transcript(),
  };
}

const json = (v: unknown): string => canonicalJson(v as JsonValue);
const fence = (...lines: string[]): string => ['```', ...lines, '```'].join('\n');

/** Each record in canonical JSON (without its hash), the digest its operator signature signs, and its hash. */
function recordBlock(r: HashedRecord): string {
  const { hash, ...bare } = r;
  const signed =
    r.type === 'receipt'
      ? `EIP-712 digest (DrawReceipt) 0x${bytesToHex(receiptDigest(r))}`
      : `bodyHash ${bodyHash(bare as HashedRecord)}  seal digest (RecordSeal) 0x${bytesToHex(sealDigest(bare as HashedRecord))}`;
  return [`Record ${r.seq}, ${r.type}:`, '', fence(json(bare)), '', fence(signed, `hash of record ${r.seq}  ${hash}`)].join('\n');
}

/** alpha split into its length-prefixed fields (section 3), each with what it is. */
function alphaFields(alphaHex: string): string {
  const labels = ['"fairplay-alpha"', 'version 1', 'suite', 'keyId', 'roomId', 'drawSeq', 'game', 'kind', 'canonical action', 'address ‖ seed, per participant', 'prevHash'];
  const lines: string[] = [];
  for (let at = 0, i = 0; at < alphaHex.length; i++) {
    const len = parseInt(alphaHex.slice(at, at + 8), 16);
    const content = alphaHex.slice(at + 8, at + 8 + 2 * len);
    lines.push(`${alphaHex.slice(at, at + 8)} ${content}`, `         ${labels[i] ?? '?'}`);
    at += 8 + 2 * len;
  }
  return fence(...lines);
}

/** How dice-v2 reads its roll from beta's byte stream, read by read, and the payout. */
function diceMapping(beta: Uint8Array, payout: number): string {
  const stream = new BetaStream(beta);
  const reads: string[] = [];
  let roll: number;
  for (;;) {
    const bytes = [stream.next(), stream.next()];
    const value = ((bytes[0]! << 8) | bytes[1]!) & 0x3fff;
    const hex = bytes.map((x) => x.toString(16).padStart(2, '0')).join('');
    reads.push(`\`${hex}\`, low 14 bits ${value}${value < 10000 ? ' < 10000' : ' ≥ 10000, rejected'}`);
    if (value < 10000) {
      roll = value;
      break;
    }
  }
  const { stake, target } = inputs.dice;
  return [
    `Mapping: int(10000) has b = 14, k = 2; it reads ${reads.join('; then ')}: \`roll\` = ${roll}.`,
    `Under ${target} ${roll < target ? 'wins' : 'loses'}; winningRolls = ${target}, and a win pays floor(${stake} × 9900 / ${target}) = ${Math.floor((stake * 9900) / target)} units`,
    `(${Math.floor((stake * 9900) / target) / 1_000_000} chips). The outcome records \`payout\` ${payout}.`,
  ].join('\n');
}

const outcomeOf = (t: Transcript) => t.records.find((r) => r.type === 'outcome')!;

/** raid-loot-v1 read from `beta` under the published loot table and the earlier one: a vector for `weighted`. */
function lootVector(beta: Uint8Array): string {
  const total = LOOT_TABLE.reduce((sum, e) => sum + e.weight, 0); // 100: b = 7, k = 1
  const stream = new BetaStream(beta);
  const reads: string[] = [];
  let r: number;
  for (;;) {
    const byte = stream.next();
    const value = (r = byte & 0x7f);
    reads.push(`\`${byte.toString(16).padStart(2, '0')}\`, low 7 bits ${value}${value < total ? ` < ${total}` : ` ≥ ${total}, rejected`}`);
    if (value < total) break;
  }
  const cumulative = LOOT_TABLE.map((_, i) => LOOT_TABLE.slice(0, i + 1).reduce((sum, e) => sum + e.weight, 0));
  const row = cumulative.findIndex((c) => c > r);
  const action = { round: inputs.raid.round, chest: 0, table: 'raid-loot-v1' as const };
  return [
    `A loot draw whose beta were this one (a vector for \`weighted\`): int(${total}) has b = 7, k = 1; it reads ${reads.join('; then ')}.`,
    `r = ${r}; the cumulative weights are ${cumulative.join(', ')}, the first above ${r} is row ${row}'s.`,
    `It gives ${json(lootOutcome(beta, action, LOOT_TABLE))} under the published table, and`,
    `${json(lootOutcome(beta, action, COIN_LOOT_TABLE))} under the earlier one.`,
  ].join('\n');
}

/** FAIRNESS.md section 9, as the test expects it there verbatim. */
export function workedExampleMarkdown(e: WorkedExample): string {
  const diceOutcome = outcomeOf(e.dice);
  const raidOutcome = outcomeOf(e.raid);
  const hand = outcomeOf(e.blackjack);
  const betaOf = (t: Transcript) => hexToBytes((outcomeOf(t) as { beta: string }).beta);
  const reader = new OutcomeReader(betaOf(e.raid));
  const picks = Array.from({ length: inputs.raid.count }, (_, i) => reader.int(FREE_TILES.length - i));
  const deck = deckOf(betaOf(e.blackjack));
  const diceBeta = (diceOutcome as { beta: string }).beta;
  return [
    'Three rooms, played with fixed inputs through the server\'s own code (`test/fairness/worked-example.ts`',
    'builds them; `test/fairness/worked-example.test.ts` checks that this section is exactly what it',
    'prints and that every transcript verifies). Keys: the VRF secret key is RFC 8032 test 1,',
    `\`${inputs.vrfSecretKey}\`; the operator key is \`${inputs.operatorKey}\`;`,
    `Alice's wallet key \`${inputs.aliceKey}\` delegates to the session key \`${inputs.aliceSessionKey}\`;`,
    `Bob's key \`${inputs.bobKey}\` signs his own request. Every record's clock is ${inputs.now}.`,
    '',
    fence(
      `publicKey     ${e.keys.publicKey}`,
      `keyId         ${e.keyId}`,
      `receiptSigner ${e.keys.receiptSigner}`,
      `alice         ${e.alice}`,
      `session key   ${e.aliceSession}`,
      `bob           ${e.bob}`,
      ...Object.entries(PUBLISHED_RULES).map(([game, doc]) => `rulesHash     ${game.padEnd(10)}${rulesHash(doc)}`),
    ),
    '',
    "Alice's delegation (the sign-in text she signed, then her EIP-191 signature of it), carried by",
    'every authorisation her session key made:',
    '',
    fence(e.delegation.message),
    '',
    fence(e.delegation.signature),
    '',
    `**Dice** (room \`worked-dice\`). Alice bets ${json(inputs.dice)} (10 chips, in units) with seed \`${inputs.seeds.dice}\`.`,
    '',
    ...e.dice.records.flatMap((r) => [recordBlock(r), '']),
    'Its alpha, field by field (u32 length, then content; section 3):',
    '',
    alphaFields((diceOutcome as { alpha: string }).alpha),
    '',
    diceMapping(hexToBytes(diceBeta), (diceOutcome as unknown as { result: { payout: number } }).result.payout),
    '',
    `**Raid chests** (room \`worked-raid\`). Round ${inputs.raid.round}, ${inputs.raid.count} chests, over Alice's seed \`${inputs.seeds.raidAlice}\``,
    `(by her session key) and Bob's \`${inputs.seeds.raidBob}\` (by his own key).`,
    '',
    ...e.raid.records.flatMap((r) => [recordBlock(r), '']),
    `Mapping: the successive draws are int(${FREE_TILES.length}), int(${FREE_TILES.length - 1}), … giving j = ${picks.join(', ')};`,
    `the chests stand on ${json((raidOutcome as unknown as { result: { tiles: unknown } }).result.tiles)}.`,
    lootVector(betaOf(e.raid)),
    '',
    `**Blackjack** (room \`worked-blackjack\`). Alice stakes ${inputs.blackjack.stake} units (10 chips), seed \`${inputs.seeds.blackjack}\`; she hits below 17 and`,
    "stands otherwise. Each move is her session key's `DrawMove` signature (moveIndex 0, 1, …).",
    '',
    ...e.blackjack.records.flatMap((r) => [recordBlock(r), '']),
    `Mapping: the deck (card ids in deal order) is ${deck.join(' ')}: Alice ${cardName(deck[0]!)} ${cardName(deck[2]!)},`,
    `the dealer ${cardName(deck[1]!)} up and ${cardName(deck[3]!)} in the hole; then ${cardName(deck[4]!)}, ${cardName(deck[5]!)}, ${cardName(deck[6]!)}, … in order.`,
    `Alice's total is ${(hand as unknown as { result: { playerTotal: number } }).result.playerTotal}, the dealer's ${(hand as unknown as { result: { dealerTotal: number } }).result.dealerTotal}: \`${(hand as unknown as { result: { outcome: string } }).result.outcome}\`, payout ${(hand as unknown as { result: { payout: number } }).result.payout} units.`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) console.log(workedExampleMarkdown(await buildWorkedExample()));

