/**
 * What the fairness panel shows of one draw, worked out here from the room's transcript and the
 * keys this browser pinned: the player's seed and its commitment (recomputed), the receipt and
 * its signer (recovered), alpha (rebuilt as the verifier does), the proof (checked) and beta, the
 * mapping step by step (the game's `explain`, over the beta the proof gave), and the outcome's
 * seal and hash. Each line says whether the page checked it (✓ or ✗) or only shows it; no line
 * claims a check the page did not make. The anchor is fairness-panel-anchor.ts.
 * @module
 */
import { finalStep } from '../../games/game-rules.ts';
import { outcomeMappings } from '../../games/registry.ts';
import { getSuite } from '../../vrf/index.ts';
import { receiptAlpha } from '../../vrf/protocol/alpha.ts';
import { seedCommitment, vrfKeyId } from '../../vrf/protocol/commitment.ts';
import { bytesToHex, canonicalJson, hexToBytes } from '../../vrf/protocol/encoding.ts';
import { receiptSigner, sealSigner } from '../../vrf/protocol/receipt.ts';
import { receiptTerms, type TrustedKeys } from '../../vrf/protocol/record-checks.ts';
import { recordHash, type DrawRecord, type HashedRecord, type MoveRecord, type OutcomeRecord, type ReceiptRecord, type VoidRecord } from '../../vrf/protocol/records.ts';
import type { HeardDraw } from './heard-draws.ts';
import { phraseFingerprint, phraseSeed, seedOrigin, seedSetting } from './seed-source.ts';

/** One line of the panel: `check` true ✓, false ✗, undefined: shown, not a check. `step` names it for tests. */
export interface PanelLine {
  readonly step: string;
  readonly label: string;
  readonly value: string;
  readonly check?: boolean;
}

export interface PanelSection {
  readonly title: string;
  /** What the section is for, in plain words, for a player who knows no cryptography. */
  readonly note?: string;
  readonly lines: PanelLine[];
}

/** The plain-words notes under each section's title: the jargon (seed, receipt, alpha, beta...) explained where it appears. */
export const SECTION_NOTES = {
  seed: 'Your browser picked a secret random number (your seed) and sent only its fingerprint (the commitment) before the bet, so neither you nor the server could swap it afterwards.',
  receipt: 'Before anything was decided, the server signed a receipt of your bet and your seed\'s fingerprint: it cannot take the bet back or change it.',
  proof: "Alpha is the receipt and the seeds put together. The server's secret key turns alpha into one random number, beta, with a proof that anyone can check against the server's public key. Each alpha has exactly one beta, so the server could not pick a luckier one.",
  mapping: 'How the game reads beta, step by step, to get what happened. Anyone repeating these steps gets the same result.',
  record: "The server's signed record of the result, linked by its hash (a fingerprint) to the room's earlier records, so no record can be edited later without it showing.",
  chain: "A fingerprint of the room's records posted on the blockchain, a public ledger the server cannot rewrite.",
} as const;

/** A draw's records in a transcript: its receipt, its moves in order, its end. */
export interface DrawRecords {
  readonly receipt: ReceiptRecord & { hash?: string };
  readonly moves: MoveRecord[];
  readonly end?: (OutcomeRecord | VoidRecord) & { hash?: string };
}

export function findDraw(records: readonly HashedRecord[], drawSeq: number): DrawRecords | undefined {
  const receipt = records.find((r): r is HashedRecord & ReceiptRecord => r.type === 'receipt' && r.drawSeq === drawSeq);
  if (!receipt) return undefined;
  const moves = records.filter((r): r is HashedRecord & MoveRecord => r.type === 'move' && r.receiptSeq === receipt.seq);
  const end = records.find((r): r is HashedRecord & (OutcomeRecord | VoidRecord) => (r.type === 'outcome' || r.type === 'void') && r.drawSeq === drawSeq);
  return { receipt, moves, ...(end ? { end } : {}) };
}

const line = (step: string, label: string, value: string, check?: boolean): PanelLine => (check === undefined ? { step, label, value } : { step, label, value, check });
const attempt = <T>(f: () => T): T | Error => {
  try {
    return f();
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
};

/** The seed's origin in words, and whether the page could recompute it from the phrase set now. */
function sourceLine(commitment: string, seed: string | undefined): PanelLine {
  const origin = seedOrigin(commitment);
  if (!origin) return line('source', 'made by', 'not by this browser, or before it kept notes of its seeds');
  if (origin.kind === 'random') return line('source', 'made by', '32 random bytes from this browser (random seed for every draw)');
  const text = `your seed phrase (fingerprint ${origin.fingerprint}), seed number ${origin.counter}`;
  const setting = seedSetting();
  if (seed === undefined || setting.kind !== 'phrase' || phraseFingerprint(setting.key) !== origin.fingerprint)
    return line('source', 'made by', `${text}: set that phrase again to have it recomputed here`);
  return line('source', 'made by', `${text}, recomputed from the phrase`, phraseSeed(setting.key, origin.counter) === seed);
}

/** What the page knows of the draw besides the server's transcript: the room it asked for, and what it heard there live. */
export interface DrawSeen {
  readonly roomId: string;
  readonly heard?: HeardDraw;
}

/**
 * The draw against what this page asked for and saw: its room, the receipt's hash, and the
 * receipt and ending this page heard live. Signed records prove only that the operator signed
 * them: an operator can sign a second, self-consistent draw for the panel, which only these catch.
 */
function seenLines(draw: DrawRecords, seen: DrawSeen): PanelLine[] {
  const { receipt, end } = draw;
  const receiptHash = recordHash(receipt);
  const lines = [
    line('room', 'the room of the receipt, against the room this page asked for', `room ${receipt.roomId}`, receipt.roomId === seen.roomId),
    line('receipt-hash', `record ${receipt.seq}'s (the receipt's) hash, recomputed`, receiptHash, receipt.hash === undefined ? undefined : receiptHash === receipt.hash),
  ];
  const heard = seen.heard;
  if (!heard?.receipt && !heard?.end)
    lines.push(line('heard', 'heard live in the room', 'not by this page (it was played before this page opened, or elsewhere): what is shown rests on the transcript the server gives now'));
  if (heard?.receipt) lines.push(line('heard-receipt', 'the receipt this page heard live in the room (its hash)', heard.receipt, heard.receipt === receiptHash));
  if (heard?.end) {
    const endHash = end ? recordHash(end) : undefined;
    lines.push(line('heard-end', `the ${end?.type ?? 'ending'} this page heard live in the room (its hash)`, heard.end, heard.end === endHash));
  }
  return lines;
}

/**
 * Everything the panel checks of a draw but the anchor, by section. `address`: the player whose
 * seed is shown; `seen`: the room the page asked for and what it heard of the draw.
 */
export function drawSections(draw: DrawRecords, keys: TrustedKeys, address: string, seen: DrawSeen): PanelSection[] {
  const { receipt, moves, end } = draw;
  const found = receipt.players.findIndex((p) => p.toLowerCase() === address.toLowerCase());
  const me = Math.max(0, found);
  const outcome = end?.type === 'outcome' ? end : undefined;
  const seed = outcome?.seeds[me];
  const commitment = receipt.commitments[me]!;

  const seedLines: PanelLine[] = [];
  // The panel opens from the player's own rows: a draw without them is not the one asked for.
  if (found < 0) seedLines.push(line('player', 'you, among the players of the draw', `you are not a player of this draw: showing ${receipt.players[0]}'s seed`, false));
  if (seed !== undefined) {
    seedLines.push(line('seed', 'your seed (revealed after the receipt)', seed));
    seedLines.push(line('commitment', 'its commitment: SHA-256("fairplay-seed-v1" ‖ seed), recomputed', seedCommitment(seed), seedCommitment(seed) === commitment));
  } else {
    seedLines.push(line('seed', 'your seed', end ? `never revealed: the draw was voided (${(end as VoidRecord).reason})` : 'not revealed yet: the draw is still open'));
    seedLines.push(line('commitment', 'its commitment, in the receipt', commitment));
  }
  seedLines.push(sourceLine(commitment, seed));

  const signer = attempt(() => receiptSigner(receipt));
  const terms = receiptTerms(receipt, keys);
  const receiptLines = [
    line('draw', 'draw', `draw ${receipt.drawSeq} of room ${receipt.roomId}: ${receipt.game} ${receipt.kind}, issued ${new Date(receipt.issuedAt).toLocaleString()}`),
    line('action', 'what was asked, as signed (amounts in millionths of a chip: 1,000,000 is 1 chip)', canonicalJson(receipt.action)),
    line('signer', 'signed by (recovered from the receipt), against the signer this browser pinned', signer instanceof Error ? `cannot be recovered: ${signer.message}` : signer, !(signer instanceof Error) && signer.toLowerCase() === keys.receiptSigner.toLowerCase()),
    line('rules', 'under the rules', terms.problem ?? `the pinned rules of ${receipt.game} (hash ${receipt.rulesHash?.slice(0, 16) ?? 'none: protocol v1'}…)`, terms.problem === undefined),
  ];
  const sections: PanelSection[] = [
    { title: 'What this page saw', lines: seenLines(draw, seen) },
    { title: 'Your seed', note: SECTION_NOTES.seed, lines: seedLines },
    { title: 'The receipt', note: SECTION_NOTES.receipt, lines: receiptLines },
  ];
  if (!outcome) return sections;

  const alpha = attempt(() => bytesToHex(receiptAlpha(receipt, outcome.seeds)));
  const suite = attempt(() => getSuite(keys.suite));
  const pk = hexToBytes(keys.publicKey);
  const verified = suite instanceof Error || alpha instanceof Error ? undefined : suite.verify(pk, hexToBytes(alpha), hexToBytes(outcome.pi));
  const beta = verified?.valid ? bytesToHex(verified.beta) : undefined;
  sections.push({
    title: 'The proof',
    note: SECTION_NOTES.proof,
    lines: [
      line('alpha', 'alpha, rebuilt here from the receipt and every seed', alpha instanceof Error ? `cannot be rebuilt: ${alpha.message}` : alpha, !(alpha instanceof Error) && alpha === outcome.alpha),
      line('key', 'the VRF key the receipt names', `${receipt.suite} key ${receipt.keyId}`, !(suite instanceof Error) && receipt.keyId === vrfKeyId(suite.name, pk)),
      line('pi', 'the proof pi', outcome.pi),
      line('proof', 'the proof checked against the pinned public key and alpha', verified?.valid ? 'valid' : `invalid: ${verified && !verified.valid ? verified.reason : 'not checked'}`, verified?.valid === true),
      line('beta', "beta, the proof's output (equal to the recorded beta)", beta ?? outcome.beta, beta === outcome.beta),
    ],
  });

  const mapping = outcomeMappings[`${receipt.game}/${receipt.kind}`];
  const mappingLines: PanelLine[] = [];
  if (!mapping?.explain || !verified?.valid) mappingLines.push(line('result', 'result', `not recomputed: ${verified?.valid ? 'this page knows no explanation of the mapping' : 'the proof did not check out'}`, false));
  else {
    const steps = attempt(() => mapping.explain!(verified.beta, receipt.action, moves.map((m) => m.move), terms.terms));
    if (steps instanceof Error) mappingLines.push(line('result', 'result', `cannot be recomputed: ${steps.message}`, false));
    else {
      steps.slice(0, -1).forEach((s, i) => mappingLines.push(line(`step-${i}`, s.label, s.value)));
      const last = finalStep(steps);
      const same = canonicalJson(last.result) === canonicalJson(outcome.result);
      mappingLines.push(line('result', `the result, recomputed from beta (${mapping.version}), against the recorded one`, last.value, same));
      if (!same) mappingLines.push(line('recorded', 'the recorded result', mapping.describe?.(outcome.result, receipt.action) ?? canonicalJson(outcome.result), false));
    }
  }
  sections.push({ title: 'From beta to the result', note: SECTION_NOTES.mapping, lines: mappingLines });

  const sealed = outcome.signature === undefined ? undefined : attempt(() => sealSigner(outcome as DrawRecord));
  sections.push({
    title: 'The outcome record',
    note: SECTION_NOTES.record,
    lines: [
      ...(sealed === undefined ? [] : [line('seal', 'sealed by (recovered), against the pinned signer', sealed instanceof Error ? sealed.message : sealed, !(sealed instanceof Error) && sealed.toLowerCase() === keys.receiptSigner.toLowerCase())]),
      line('hash', `record ${outcome.seq}'s hash, recomputed`, recordHash(outcome), outcome.hash === undefined ? undefined : recordHash(outcome) === outcome.hash),
    ],
  });
  return sections;
}
