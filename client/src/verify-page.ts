/**
 * /verify: checks an exported room transcript offline against keys the user supplies and shows
 * it as a readable report (client/src/verify-report.ts): the room's verdict in one sentence, one
 * row per record in words with its check and, for a failure, why in words; the transcript's
 * anchor on chain and what the anchors newer than it say; and the distributions that fit its
 * games (dice rolls, raid loot). `/verify?room=<id>` fetches that room's transcript from this
 * server and checks it at once; `&draw=<drawSeq>` then highlights that draw's records. The tab
 * remembers the newest anchor it verified of each room, and a later transcript served with an
 * older anchor or fewer records fails (a pasted one is only warned of: it may be an old file on
 * purpose).
 * @module
 */
import type { TranscriptReport, TrustedKeys } from '../../vrf/protocol/transcript.ts';
import { olderThanSeen, rememberAnchor, seenAnchor } from './anchor-memory.ts';
import type { AnchorStatus, RegistryAt } from './anchor-check.ts';
import { addressOf, type Published } from './api.ts';
import { fetchWholeTranscript } from './fetch-transcript.ts';
import { renderFailure, renderReport } from './verify-report.ts';
import type { LooseRecord } from './verify-words.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The rules documents this server publishes (its /fairness); the published defaults until they arrive. */
let servedRules: TrustedKeys['rules'];

async function prefillKeys(): Promise<void> {
  try {
    const f = (await (await fetch('/fairness')).json()) as TrustedKeys & { chain?: { rpcUrl?: string; registry?: Published } };
    $<HTMLInputElement>('rpc-url').value = f.chain?.rpcUrl ?? '';
    $<HTMLInputElement>('registry').value = addressOf(f.chain?.registry) ?? '';
    $<HTMLSelectElement>('suite').value = f.suite;
    $<HTMLInputElement>('public-key').value = f.publicKey;
    $<HTMLInputElement>('receipt-signer').value = f.receiptSigner;
    servedRules = f.rules;
    $('key-source').textContent = `Keys and game rules filled in from ${location.origin}/fairness: replace the keys with ones you obtained elsewhere to check this server against itself. Receipts must name these rules (and no rule but an operator's edge may differ from the published ones).`;
  } catch {
    /* offline: the user types the keys */
  }
}

async function transcriptText(): Promise<string> {
  const file = $<HTMLInputElement>('file').files?.[0];
  return file ? file.text() : $<HTMLTextAreaElement>('paste').value;
}

/**
 * Holds the status against what this tab verified of the room before: served by this server, an
 * older anchor or fewer records fails; pasted, it is a warning. Remembers a transcript that passed.
 */
function againstSeen(transcript: { roomId?: unknown; records?: unknown[]; anchor?: { index?: unknown } | null }, status: AnchorStatus, fromServer: boolean): { status: AnchorStatus; warnings: string[] } {
  const roomId = typeof transcript.roomId === 'string' ? transcript.roomId : undefined;
  if (!roomId || status.kind === 'absent' || status.kind === 'unchecked') return { status, warnings: [] };
  const records = Array.isArray(transcript.records) ? transcript.records.length : 0;
  const index = typeof transcript.anchor?.index === 'number' ? transcript.anchor.index : null;
  const older = olderThanSeen(seenAnchor(roomId), { index, records });
  if (status.kind === 'anchored' && !older) rememberAnchor(roomId, { index: status.index, lastSeq: status.lastSeq, records });
  if (!older) return { status, warnings: [] };
  if (!fromServer) return { status, warnings: [older] };
  const problems = status.kind === 'failed' ? [...status.problems, older] : [older];
  return { status: { kind: 'failed', problems, ...('newer' in status && status.newer ? { newer: status.newer } : {}) }, warnings: [] };
}

/**
 * Verifies the transcript in the form; `fromServer`: it was fetched from this server just now (not
 * pasted or loaded from a file), `retried`: fetched a second time.
 */
async function verify(fromServer = false, retried = false): Promise<void> {
  const keys: TrustedKeys = {
    suite: $<HTMLSelectElement>('suite').value,
    publicKey: $<HTMLInputElement>('public-key').value.trim().replace(/^0x/, '').toLowerCase(),
    receiptSigner: $<HTMLInputElement>('receipt-signer').value.trim(),
    ...(servedRules ? { rules: servedRules } : {}),
  };
  let transcript: unknown;
  try {
    transcript = JSON.parse(await transcriptText());
  } catch (e) {
    return renderFailure(`✗ This is not a transcript: it is not JSON (${(e as Error).message}).`);
  }
  $('verify').setAttribute('disabled', '');
  const summary = $('summary');
  delete summary.dataset['ok'];
  delete summary.dataset['ms'];
  summary.className = 'verdict';
  summary.textContent = 'verifying…';
  const worker = new Worker(new URL('./transcript.worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<{ report: TranscriptReport; ms: number; anchor: AnchorStatus }>) => {
    const status = e.data.anchor;
    if (fromServer && !retried && 'newer' in status && status.newer?.superseded.length) {
      // A live room may have moved on, and been anchored, between the fetch and the check: fetch it once more.
      worker.terminate();
      return void loadRoom(true);
    }
    const seen = againstSeen(transcript as Parameters<typeof againstSeen>[0], e.data.anchor, fromServer);
    const t = transcript as { roomId?: unknown; records?: unknown };
    const roomId = typeof t.roomId === 'string' ? t.roomId : '';
    const records = Array.isArray(t.records) ? (t.records as LooseRecord[]) : [];
    renderReport({ roomId, records }, e.data.report, e.data.ms, seen.status, seen.warnings, focusedDraw(roomId));
    $('verify').removeAttribute('disabled');
    worker.terminate();
  };
  const rpcUrl = $<HTMLInputElement>('rpc-url').value.trim();
  const registry = $<HTMLInputElement>('registry').value.trim();
  const chain: RegistryAt | undefined = rpcUrl && registry ? { rpcUrl, registry, server: location.origin } : undefined;
  worker.postMessage({ transcript, keys, ...(chain ? { chain } : {}) });
}

/** `?draw=<drawSeq>` when the transcript is of the `?room=` room: the draw to highlight. */
function focusedDraw(roomId: string): number | undefined {
  const params = new URLSearchParams(location.search);
  const draw = params.get('draw');
  return roomId && params.get('room') === roomId && draw !== null && /^\d{1,15}$/.test(draw) ? Number(draw) : undefined;
}

/** `?room=<id>`: this server's transcript of that room, fetched whole and checked. */
async function loadRoom(retried = false): Promise<void> {
  const roomId = new URLSearchParams(location.search).get('room');
  if (!roomId) return;
  try {
    const transcript = await fetchWholeTranscript(new URL(`/rooms/${encodeURIComponent(roomId)}/transcript`, location.origin));
    $<HTMLTextAreaElement>('paste').value = JSON.stringify(transcript);
    await verify(true, retried);
  } catch (e) {
    renderFailure(`✗ The transcript of room ${roomId} could not be fetched: ${(e as Error).message}.`);
  }
}

$('verify').onclick = () => void verify();
void prefillKeys().then(() => loadRoom());
