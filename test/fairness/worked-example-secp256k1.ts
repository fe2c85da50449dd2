/**
 * The worked example of FAIRNESS.md section 11: one proof of ECVRF-SECP256K1-SHA256-TAI, a dice
 * draw as in section 9 (same player, bet and clock; its own seed) under a secp256k1 VRF key, played through
 * the server's own RoomTranscript with the witnesses the prover worker ships (chain-witnesses.ts).
 * `secp256k1ExampleMarkdown()` renders the section's example; the test checks FAIRNESS.md holds
 * it verbatim and recomputes every value from the rules the section states.
 * Run this file to print it: `npx tsx test/fairness/worked-example-secp256k1.ts`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Wallet } from 'ethers';
import { PUBLISHED_RULES } from '../../games/registry.ts';
import { rulesHash } from '../../games/rules-document.ts';
import { chainWitnessMaker } from '../../server/fairness/chain-witnesses.ts';
import { createFairnessContext } from '../../server/fairness/context.ts';
import { RoomTranscript, type OutcomeMessage } from '../../server/fairness/room-transcript.ts';
import { internalSuites } from '../../vrf/suites.ts';
import { signDrawRequest } from '../../vrf/protocol/authorization.ts';
import { seedCommitment, vrfKeyId } from '../../vrf/protocol/commitment.ts';
import { bytesToHex, hexToBytes } from '../../vrf/protocol/encoding.ts';
import type { Transcript } from '../../vrf/protocol/transcript.ts';
import { journalRoomLog } from '../helpers/journal-room-log.ts';
import { aliceSignedIn, inputs } from './worked-example.ts';

export const SECP256K1_SUITE = 'ECVRF-SECP256K1-SHA256-TAI';
/** The P-256 secret key of RFC 9381's examples 10 to 12 (RFC 6979 A.2.5): below secp256k1's n too. */
export const SECP256K1_SECRET_KEY = 'c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721';
/** Alice's seed: chosen (the first of 5ec9256b… ending 00, 01, … whose draw has ctr 2) so that two counters fail and their witness roots show. */
export const SECP256K1_SEED = '5ec9256b5ec9256b5ec9256b5ec9256b5ec9256b5ec9256b5ec9256b5ec92506';

export interface Secp256k1Example {
  readonly keys: { suite: string; publicKey: string; receiptSigner: string };
  readonly keyId: string;
  /** The room `worked-secp256k1-dice`: receipt, outcome, close. */
  readonly transcript: Transcript;
  /** The outcome message the room sent, with its witnesses. */
  readonly outcome: OutcomeMessage;
}

/** Plays the dice draw under the secp256k1 key, as the server does. */
export async function buildSecp256k1Example(): Promise<Secp256k1Example> {
  const suite = internalSuites[SECP256K1_SUITE]!;
  const witnessesOf = chainWitnessMaker(SECP256K1_SUITE)!;
  const sk = hexToBytes(SECP256K1_SECRET_KEY);
  const pk = suite.publicKey(sk);
  const operator = new Wallet(inputs.operatorKey);
  const ctx = createFairnessContext({
    suite,
    vrfPublicKey: pk,
    operatorKey: inputs.operatorKey,
    operatorAddress: operator.address,
    // What the prover worker computes, on this thread.
    prover: {
      prove: async (alpha) => {
        const { pi, beta } = suite.proveWithOutput(sk, alpha);
        return { pi, beta, witnesses: witnessesOf(pk, pi, alpha) };
      },
      close: async () => undefined,
    },
    rules: Object.values(PUBLISHED_RULES),
    now: () => inputs.now,
  });
  const { alice, session, delegation } = await aliceSignedIn();
  const roomId = 'worked-secp256k1-dice';
  const dir = mkdtempSync(join(tmpdir(), 'worked-example-secp256k1-'));
  const room = await RoomTranscript.open(await journalRoomLog(join(dir, `${roomId}.jsonl`)), roomId, ctx);
  const commitment = seedCommitment(SECP256K1_SEED);
  const signature = await signDrawRequest(session, { roomId, game: 'dice', kind: 'roll', action: { ...inputs.dice }, commitment, rulesHash: rulesHash(PUBLISHED_RULES['dice']!) });
  const roll = await room.receipt({ game: 'dice', kind: 'roll', action: { ...inputs.dice }, players: [{ address: alice.address, commitment, authorization: { signature, delegation } }] });
  await room.reveal(roll.drawSeq, alice.address, SECP256K1_SEED);
  const outcome = await room.settle(roll.drawSeq);
  await room.finish();
  return {
    keys: { suite: SECP256K1_SUITE, publicKey: bytesToHex(pk), receiptSigner: operator.address },
    keyId: vrfKeyId(SECP256K1_SUITE, pk),
    transcript: await room.transcript(),
    outcome,
  };
}

const fence = (...lines: string[]): string => ['```', ...lines, '```'].join('\n');
/** Hex cut into lines of 64 digits (32 bytes), indented under a label. */
const wrapped = (hex: string, indent: string): string => (hex.match(/.{1,64}/g) ?? ['']).join(`\n${indent}`);
const word = (hex: string, i: number): string => hex.slice(64 * i, 64 * (i + 1));

/** The example as FAIRNESS.md section 11 prints it. */
export function secp256k1ExampleMarkdown(e: Secp256k1Example): string {
  const suite = internalSuites[SECP256K1_SUITE]!;
  const sk = hexToBytes(SECP256K1_SECRET_KEY);
  const { alpha, pi, beta, witnesses } = e.outcome;
  const trace = suite.proveTrace(sk, hexToBytes(alpha));
  const { ctr } = suite.encodeToCurve(hexToBytes(e.keys.publicKey), hexToBytes(alpha));
  const w = witnesses!;
  const pad = ' '.repeat(14);
  const labels = ['ctr', 'nonResidueRoots[0]', 'nonResidueRoots[1]', 'nonResidueRoots[2]', 'nonResidueRoots[3]', 'u.x', 'u.y', 'sH.x', 'sH.y', 'cGamma.x', 'cGamma.y', 'v.x', 'v.y'];
  return [
    `A dice draw as in section 9 (Alice's bet ${JSON.stringify(inputs.dice)} through her session key, the same operator key and clock)`,
    `in room \`worked-secp256k1-dice\`, with seed \`${SECP256K1_SEED}\` (chosen so that two counters fail),`,
    `under the secp256k1 VRF secret key \`${SECP256K1_SECRET_KEY}\` (RFC 9381's P-256 example key, below n here too).`,
    '`test/fairness/worked-example-secp256k1.ts` builds it through the server\'s own code;',
    '`test/fairness/worked-example-secp256k1.test.ts` checks this text is what it prints and recomputes every value.',
    '',
    fence(
      `suite         ${e.keys.suite} (suite_string 0xfe)`,
      `PK_string Y   ${e.keys.publicKey}`,
      `keyId         ${e.keyId}`,
      `alpha         ${wrapped(alpha, pad)}`,
      `ctr           ${ctr} (the first counter whose hash decodes)`,
      `H             ${bytesToHex(trace.h)}`,
      `k (nonce)     ${trace.k.toString(16).padStart(64, '0')}`,
      `Gamma         ${bytesToHex(trace.gamma)}`,
      `U = k*B       ${bytesToHex(trace.u)}`,
      `V = k*H       ${bytesToHex(trace.v)}`,
      `c             ${trace.c.toString(16).padStart(32, '0')}`,
      `s             ${trace.s.toString(16).padStart(64, '0')}`,
      `pi            ${pi.slice(0, 66)}`,
      `${pad}${pi.slice(66, 98)}`,
      `${pad}${pi.slice(98)}`,
      `beta          ${beta}`,
    ),
    '',
    'Its witnesses, the 13 words of the outcome message\'s `witnesses` (416 bytes) in order:',
    '',
    fence(...labels.map((label, i) => `${label.padEnd(19)}${word(w, i)}`)),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) console.log(secp256k1ExampleMarkdown(await buildSecp256k1Example()));
