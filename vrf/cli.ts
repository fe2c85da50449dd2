/**
 * Command-line verifier for auditors:
 *
 *   npx tsx vrf/cli.ts verify --suite NAME --pk HEX --alpha HEX --proof HEX
 *   npx tsx vrf/cli.ts verify-transcript FILE... [--pk HEX --signer ADDRESS] [--rules FILE]
 *       [--rpc URL [--registry ADDRESS [--server URL] [--newer-anchors N]] [--court ADDRESS]]
 *
 * `verify` prints beta (hex) and exits 0 if the proof is valid, or prints the reason and exits 1.
 * `verify-transcript` checks room transcripts (FAIRNESS.md section 7) and prints one line per
 * record; exits 0 if every record checks out, 1 if not. Several transcripts of one key are
 * checked with one log of commitments, so a seed drawn on in two rooms is flagged. Pin --pk and
 * --signer from the server's /fairness: without them the keys named in the file itself are used,
 * which proves consistency, not identity. Rules are the published ones unless --rules names a
 * file holding the server's (its /fairness, or its `rules` object). With --rpc and --registry it
 * also checks against the chain (FAIRNESS.md section 7a): every receipt's signer, key and rules
 * against the registry entries in force at its issue, and each transcript's anchor against the
 * registry's, printing "anchored at block N (anchor i of M)" or "not anchored"; a registry that cannot
 * be read fails the run (exit 1). With --server too (the server's origin, whose `GET /anchors/:index`
 * serves each anchor's leaves) it holds every transcript against the anchors newer than its own, at
 * most --newer-anchors of them (1440 unless given): one holding the room at a later head fails it
 * ("superseded"), one that cannot be read whole is printed as unchecked. With --rpc and --court it
 * also reads the reveal court's case of each one-player receipt (FAIRNESS.md section 10,
 * `court-report.ts`): an answer must prove the draw's beta over the seed the court made public and
 * pay what it owes (0 for a draw the transcript settled, the outcome's coins otherwise); a case
 * claimed, or unanswered past its window, is the server failing to answer. Either fails the run
 * (exit 1). Both exit 2 with a usage message on malformed arguments.
 * @module
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { getSuite, suites, vrfReady } from './index.ts';
import { parseTranscriptAnchor } from './protocol/anchor-proof.ts';
import { ChainCourt } from './protocol/chain-court.ts';
import { ChainRegistry, ChainRegistryError } from './protocol/chain-registry.ts';
import { checkCourtCases } from './court-report.ts';
import { scanNewerAnchors, servedAnchorsOf } from './protocol/newer-anchors-scan.ts';
import { NEWER_ANCHORS_LIMIT, newerAnchorsProblems, newerAnchorsSummary, newerAnchorsWarnings, type NewerAnchorsReport } from './protocol/newer-anchors.ts';
import type { RegistryEntries } from './protocol/registry-check.ts';
import { anchorStatus, formatVersion, headerProblems, TranscriptSchema, type AnchorStatus } from './protocol/transcript.ts';
import { TranscriptVerifier, type CommitmentLog, type TrustedKeys } from './protocol/verifier.ts';
import { GAMES } from '../games/registry.ts';
import type { RulesDocument } from '../games/rules-document.ts';

const USAGE = `usage: vrf/cli.ts verify --suite NAME --pk HEX --alpha HEX --proof HEX
       vrf/cli.ts verify-transcript FILE... [--pk HEX --signer ADDRESS] [--rules FILE] [--rpc URL [--registry ADDRESS [--server URL] [--newer-anchors N]] [--court ADDRESS]]
suites: ${Object.keys(suites).join(', ')}`;

class UsageError extends Error {}

function hexArg(name: string, value: string | undefined): Uint8Array {
  if (value === undefined) throw new UsageError(`missing --${name}`);
  const clean = value.startsWith('0x') ? value.slice(2) : value;
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean))
    throw new UsageError(`--${name} is not hex (an even number of 0-9a-f digits): "${value}"`);
  return hexToBytes(clean.toLowerCase());
}

/** Runs the CLI on argv (without node and script); resolves to the exit code. */
export async function main(argv: string[], out = console.log, err = console.error): Promise<number> {
  try {
    await vrfReady(); // edwards25519 suites on libsodium: same verdicts, faster (vrf/backend.ts)
    const [command, ...rest] = argv;
    if (command === 'verify-transcript') return await verifyTranscriptFile(rest, out);
    if (command !== 'verify') throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
    const { values } = parseArgs({
      args: rest,
      options: { suite: { type: 'string' }, pk: { type: 'string' }, alpha: { type: 'string' }, proof: { type: 'string' } },
      strict: true,
    });
    if (!values.suite) throw new UsageError('missing --suite');
    let suite;
    try {
      suite = getSuite(values.suite);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const result = suite.verify(hexArg('pk', values.pk), hexArg('alpha', values.alpha), hexArg('proof', values.proof));
    if (result.valid) {
      out(bytesToHex(result.beta));
      return 0;
    }
    out(`invalid: ${result.reason}`);
    return 1;
  } catch (e) {
    err(`error: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read ${file} as JSON: ${(e as Error).message}`);
  }
}

/** The rules a --rules file holds: a /fairness document's `rules`, or the rules object itself. */
function rulesArg(file: string | undefined): Record<string, RulesDocument> | undefined {
  if (file === undefined) return undefined;
  const json = readJson(file) as { rules?: unknown } | null;
  const rules = (json && typeof json === 'object' && 'rules' in json ? json.rules : json) as unknown;
  if (!rules || typeof rules !== 'object') throw new UsageError(`${file} holds no rules object`);
  return rules as Record<string, RulesDocument>;
}

async function verifyTranscriptFile(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      pk: { type: 'string' },
      signer: { type: 'string' },
      rules: { type: 'string' },
      rpc: { type: 'string' },
      registry: { type: 'string' },
      court: { type: 'string' },
      server: { type: 'string' },
      'newer-anchors': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) throw new UsageError('verify-transcript takes one FILE or more');
  if (values.rpc === undefined && (values.registry !== undefined || values.court !== undefined)) throw new UsageError('--registry and --court read the chain: give --rpc too');
  if (values.rpc !== undefined && values.registry === undefined && values.court === undefined) throw new UsageError('--rpc names the chain of a --registry or a --court: give one');
  if ((values.server !== undefined || values['newer-anchors'] !== undefined) && values.registry === undefined) throw new UsageError('--server and --newer-anchors need --rpc and --registry');
  const newer = newerAnchorsArgs(values.server, values['newer-anchors']);
  const rules = rulesArg(values.rules);
  if (!values.pk || !values.signer) out('warning: keys taken from the transcript itself; pin --pk and --signer from /fairness');
  let chain: { registry: ChainRegistry; entries: RegistryEntries } | undefined;
  let court: ChainCourt | undefined;
  try {
    if (values.rpc !== undefined && values.registry !== undefined) {
      const registry = await ChainRegistry.connect(values.rpc, values.registry);
      chain = { registry, entries: await registry.entries(GAMES.map((g) => g.id)) };
      out(`registry ${registry.address} on chain ${registry.chainId}: change delay ${chain.entries.changeDelay} s`);
    }
    if (values.rpc !== undefined && values.court !== undefined) court = await ChainCourt.connect(values.rpc, values.court);
  } catch (e) {
    chain?.registry.destroy();
    if (!(e instanceof ChainRegistryError)) throw e;
    out(`chain: ${e.message}`);
    out('FAILED');
    return 1;
  }
  try {
    return await verifyFiles(positionals, values, rules, chain && { ...chain, newer }, court, out);
  } finally {
    chain?.registry.destroy();
    court?.destroy();
  }
}

/** Where and how far the newer anchors are read: the server's origin (undefined: not read) and the limit. */
interface NewerAnchorsArgs {
  readonly server?: string;
  readonly limit: number;
}

function newerAnchorsArgs(server: string | undefined, limit: string | undefined): NewerAnchorsArgs {
  if (server !== undefined && !URL.canParse(server)) throw new UsageError(`--server is not a URL: "${server}"`);
  const n = limit === undefined ? NEWER_ANCHORS_LIMIT : Number(limit);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--newer-anchors is not a whole number from 0: "${limit}"`);
  return { ...(server !== undefined ? { server } : {}), limit: n };
}

/** The newer anchors' report of one transcript, or undefined when it is not a transcript (reported as such). */
async function newerAnchorsOf(input: unknown, registry: ChainRegistry, args: NewerAnchorsArgs): Promise<NewerAnchorsReport | undefined> {
  const parsed = TranscriptSchema.safeParse(input);
  if (!parsed.success) return undefined;
  const { anchor } = parseTranscriptAnchor(parsed.data.anchor);
  if (args.server === undefined) {
    const count = await registry.anchorCount().catch(() => 0);
    return { from: 0, to: 0, anchorCount: count, superseded: [], unchecked: [], notRead: 'give --server URL (the server whose /anchors serves their leaves)' };
  }
  const sources = { anchorCount: () => registry.anchorCount(), anchorAt: (i: number) => registry.anchorAt(i), served: servedAnchorsOf(args.server) };
  return scanNewerAnchors(parsed.data.roomId, parsed.data.records, anchor?.index, sources, { limit: args.limit });
}

async function verifyFiles(
  positionals: string[],
  values: { pk?: string; signer?: string },
  rules: Record<string, RulesDocument> | undefined,
  chain: { registry: ChainRegistry; entries: RegistryEntries; newer: NewerAnchorsArgs } | undefined,
  court: ChainCourt | undefined,
  out: (line: string) => void,
): Promise<number> {
  const commitments: CommitmentLog = new Map();
  let failed = 0;
  for (const file of positionals) {
    const input = readJson(file);
    const prefix = positionals.length > 1 ? `${file}: ` : '';
    const header = (input ?? {}) as { suite?: unknown; publicKey?: unknown; receiptSigner?: unknown };
    const keys: TrustedKeys = {
      suite: String(header.suite),
      publicKey: values.pk ?? String(header.publicKey),
      receiptSigner: values.signer ?? String(header.receiptSigner),
      ...(rules ? { rules } : {}),
    };
    const anchor = chain ? await chainAnchorStatus(input, chain.registry) : undefined;
    const newer = chain ? await newerAnchorsOf(input, chain.registry, chain.newer) : undefined;
    let ok = verifyOne(input, keys, commitments, (line) => out(prefix + line), chain?.entries, anchor, newer);
    const records = (input as { records?: unknown } | null)?.records;
    if (court && Array.isArray(records) && !(await checkCourtCases(records, keys, court, (line) => out(prefix + line)))) ok = false;
    if (!ok) failed++;
  }
  return failed === 0 ? 0 : 1;
}

/** The transcript's anchor checked against the registry's anchor of its index; "none" when the transcript carries none; a string when it cannot be read. */
async function chainAnchorStatus(input: unknown, registry: ChainRegistry): Promise<AnchorStatus | 'none' | string> {
  const parsed = TranscriptSchema.safeParse(input);
  if (!parsed.success) return 'none'; // reported as not a transcript
  const t = parsed.data;
  const { anchor, problem } = parseTranscriptAnchor(t.anchor);
  if (problem) return problem;
  if (!anchor) return 'none';
  try {
    return anchorStatus(t, await registry.anchorAt(anchor.index))!;
  } catch (e) {
    return `anchor ${anchor.index} cannot be read from the registry: ${(e as Error).message}`;
  }
}

/** Checks one transcript record by record through the one verifier, each line printed as its record is checked. */
function verifyOne(
  input: unknown,
  keys: TrustedKeys,
  commitments: CommitmentLog,
  out: (line: string) => void,
  registry?: RegistryEntries,
  anchor?: AnchorStatus | 'none' | string,
  newer?: NewerAnchorsReport,
): boolean {
  const parsed = TranscriptSchema.safeParse(input);
  if (!parsed.success) {
    out(`transcript: not a transcript: ${parsed.error.issues[0]?.message}`);
    out('FAILED');
    return false;
  }
  const problems = headerProblems(parsed.data, keys);
  for (const p of problems) out(`transcript: ${p}`);
  const verifier = new TranscriptVerifier(parsed.data.roomId, keys, formatVersion(parsed.data.format), commitments, registry);
  out(`format: ${parsed.data.format}${verifier.version === 1 ? ' (v1: draws are not authorised by their players)' : ''}`);
  let bad = 0;
  for (const raw of parsed.data.records) {
    const r = verifier.accept(raw);
    if (r.problems.length) bad++;
    out(`record ${r.seq} ${r.type}${r.drawSeq === undefined ? '' : ` draw ${r.drawSeq}`}: ${r.problems.length ? r.problems.join('; ') : 'ok'}`);
  }
  const pending = verifier.pendingDraws();
  if (pending.length) out(`pending draws (receipt, no outcome yet): ${pending.join(', ')}`);
  let anchored = true;
  if (anchor === 'none') out('not anchored');
  else if (typeof anchor === 'string') {
    anchored = false;
    out(`anchor: ${anchor}`);
  } else if (anchor) {
    anchored = anchor.anchored;
    const of = newer ? ` of ${newer.anchorCount}` : '';
    out(anchor.anchored ? `anchored at block ${anchor.blockNumber} (anchor ${anchor.index}${of}), records 0 to ${anchor.lastSeq}` : `anchor ${anchor.index}${of}: ${anchor.problems.join('; ')}`);
  }
  let current = true;
  if (newer) {
    const superseded = newerAnchorsProblems(newer);
    current = superseded.length === 0;
    if (!newer.notRead) out(newerAnchorsSummary(newer));
    for (const p of superseded) out(`newer anchors: ${p}`);
    for (const w of newerAnchorsWarnings(newer)) out(`warning: ${w}`);
  }
  const ok = problems.length === 0 && bad === 0 && anchored && current;
  out(ok ? `verified: ${parsed.data.records.length} records${verifier.closed ? ', room closed' : ''}` : 'FAILED');
  return ok;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main(process.argv.slice(2));
