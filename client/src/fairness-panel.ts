/**
 * The fairness panel: a <dialog> showing how one draw came out and what this page checked of it
 * (fairness-panel-checks.ts, fairness-panel-anchor.ts), from the room's transcript fetched now,
 * and how to check it again elsewhere: the CLI commands for the transcript saved from here, and
 * /verify opened on this draw. Keyboard: focus moves into the dialog, Escape closes it, and focus
 * goes back to the row that opened it. Loaded on the first click (fairness-panel-hook.ts), so the
 * page's first load carries none of the proof code.
 * @module
 */
import type { HashedRecord } from '../../vrf/protocol/records.ts';
import type { Fairness } from './api.ts';
import { anchorLine } from './fairness-panel-anchor.ts';
import { cliCommands } from './fairness-panel-cli.ts';
import { drawSections, findDraw, SECTION_NOTES, type PanelLine, type PanelSection } from './fairness-panel-checks.ts';
import { fetchWholeTranscript } from './fetch-transcript.ts';
import { heardDraw } from './heard-draws.ts';

const STYLE = `
#fairness-panel { max-width: min(52rem, 96vw); width: 100%; border: 1px solid var(--border, #8888); border-radius: 8px; background: var(--card, Canvas); color: var(--fg, CanvasText); padding: 1rem 1.25rem; }
#fairness-panel::backdrop { background: #0008; }
#fairness-panel h3 { margin: 1rem 0 .25rem; font-size: 1rem; }
#fairness-panel .panel-note { margin: 0 0 .4rem; max-width: 46rem; }
#fairness-panel .panel-line { display: grid; grid-template-columns: 1.5rem 1fr; gap: .1rem .5rem; margin: .35rem 0; }
#fairness-panel .panel-line code, #fairness-panel pre { overflow-wrap: anywhere; white-space: pre-wrap; font-size: .85em; }
#fairness-panel .panel-line .value { grid-column: 2; }
#fairness-panel [data-check="true"] > .mark { color: var(--win, #1a7f37); }
#fairness-panel [data-check="false"] > .mark { color: var(--loss, #c62828); }
#fairness-panel .panel-close { float: right; }`;

type Transcript = { roomId: string; records: HashedRecord[]; anchor?: unknown; lastAnchorAt?: unknown };

let dialog: HTMLDialogElement | undefined;
let opener: HTMLElement | null = null;
/** The object URL of the transcript offered for saving, released when the panel closes or shows another draw. */
let saved: string | undefined;
const forgetSaved = () => {
  if (saved) URL.revokeObjectURL(saved);
  saved = undefined;
};

function panel(): HTMLDialogElement {
  if (dialog) return dialog;
  dialog = document.createElement('dialog');
  dialog.id = 'fairness-panel';
  dialog.setAttribute('aria-labelledby', 'fairness-panel-title');
  document.head.append(Object.assign(document.createElement('style'), { textContent: STYLE }));
  // Escape closes a modal dialog by itself; focus goes back where the player was.
  dialog.addEventListener('close', () => {
    if (opener?.isConnected) opener.focus();
    opener = null;
    forgetSaved();
  });
  document.body.append(dialog);
  return dialog;
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

function lineNode(l: PanelLine): HTMLElement {
  const mark = l.check === undefined ? '·' : l.check ? '✓' : '✗';
  const said = l.check === undefined ? 'shown' : l.check ? 'checked, holds' : 'checked, FAILS';
  const node = el('div', { className: 'panel-line' }, el('span', { className: 'mark', title: said }, mark), el('strong', {}, l.label), el('code', { className: 'value' }, l.value));
  node.querySelector('.mark')!.setAttribute('aria-label', said);
  node.dataset['step'] = l.step;
  node.dataset['check'] = l.check === undefined ? 'none' : String(l.check);
  return node;
}

function sectionNode(s: PanelSection): HTMLElement {
  return el('section', {}, el('h3', {}, s.title), ...(s.note ? [el('p', { className: 'muted small panel-note' }, s.note)] : []), ...s.lines.map(lineNode));
}

/** The "verify it yourself" block: the transcript saved from here, the CLI commands, /verify on this draw. */
function verifyYourself(t: Transcript, drawSeq: number, keys: Fairness, outcome?: { alpha: string; pi: string }): HTMLElement {
  const file = `fairplay-${t.roomId}.json`;
  forgetSaved();
  saved = URL.createObjectURL(new Blob([JSON.stringify(t)], { type: 'application/json' }));
  const save = el('a', { href: saved, download: file }, `Save this room's transcript (${file})`);
  const registry = typeof keys.chain.registry === 'string' ? keys.chain.registry : keys.chain.registry?.address;
  const rpc = new URL(keys.chain.rpcUrl, location.origin).href;
  const commands = cliCommands({ file, origin: location.origin, keys, ...(registry ? { chain: { rpc, registry } } : {}), ...(outcome ? { outcome } : {}) });
  const link = el('a', { href: `/verify?room=${encodeURIComponent(t.roomId)}&draw=${drawSeq}`, id: 'fairness-panel-verify-link' }, `Check it on /verify (room ${t.roomId}, draw ${drawSeq})`);
  const block = el('section', {}, el('h3', {}, 'Verify it yourself'),
    el('p', {}, save, ', then, in a copy of the Fairplay source (', el('code', {}, 'npm install'), ' once), with the keys this browser pinned:'),
    el('pre', { id: 'fairness-panel-cli' }, commands), el('p', {}, link));
  return block;
}

/**
 * Opens the panel of draw `drawSeq` of room `roomId` for `address` (whose seed it shows);
 * `from`: the element focus returns to when it closes.
 */
export async function openFairnessPanel(roomId: string, drawSeq: number, address: string, keys: Fairness, from: HTMLElement | null): Promise<void> {
  const d = panel();
  opener = from;
  const title = el('h2', { id: 'fairness-panel-title', tabIndex: -1 }, `Fairness of draw ${drawSeq}`);
  const status = el('p', { id: 'fairness-panel-status', className: 'muted' }, `Fetching room ${roomId}'s transcript and checking the draw…`);
  status.setAttribute('role', 'status');
  const close = el('button', { type: 'button', className: 'secondary panel-close', id: 'fairness-panel-close' }, 'Close');
  close.onclick = () => d.close();
  const body = el('div', { id: 'fairness-panel-body' });
  d.replaceChildren(close, title, status, body);
  d.dataset['room'] = roomId;
  d.dataset['draw'] = String(drawSeq);
  delete d.dataset['ready'];
  if (!d.open) d.showModal();
  title.focus();
  try {
    const t = (await fetchWholeTranscript(new URL(`/rooms/${encodeURIComponent(roomId)}/transcript`, location.origin))) as Transcript;
    const draw = findDraw(t.records, drawSeq);
    if (d.dataset['draw'] !== String(drawSeq) || d.dataset['room'] !== roomId) return; // another draw's panel was opened meanwhile
    if (!draw) {
      status.textContent = `Room ${roomId}'s transcript has no draw ${drawSeq} yet.`;
      return;
    }
    title.textContent = `Fairness of draw ${drawSeq}: ${draw.receipt.game} ${draw.receipt.kind}`;
    const heard = heardDraw(roomId, drawSeq);
    const sections = drawSections(draw, keys, address, { roomId, ...(heard ? { heard } : {}) });
    const anchor = await anchorLine(t, draw.end?.seq ?? draw.receipt.seq, keys);
    sections.push({ title: 'On chain', note: SECTION_NOTES.chain, lines: [anchor] });
    const outcome = draw.end?.type === 'outcome' ? draw.end : undefined;
    body.replaceChildren(...sections.map(sectionNode), verifyYourself(t, drawSeq, keys, outcome));
    const failed = sections.flatMap((s) => s.lines).filter((l) => l.check === false).length;
    // A draw this page did not hear live rests on the server's word for which draw it was: say so.
    const unseen = heard?.end === undefined ? ' This page did not see the draw played, so it checked the draw the server shows now: save the transcript you were given at the time to compare.' : '';
    const fixed = heard?.end === undefined ? 'this result follows from the bet, the seed and the server\'s key as the server shows them now.' : 'this result was fixed by your bet, your seed and the server\'s key, and nobody could change it.';
    status.textContent = failed ? `✗ ${failed} ${failed === 1 ? 'check fails' : 'checks fail'}: see the lines marked ✗.` : outcome ? `✓ every check this page made holds: ${fixed}${unseen}` : 'The draw has no outcome: what it has is shown.';
    d.dataset['ready'] = failed ? 'failed' : 'ok';
  } catch (e) {
    status.textContent = `The transcript could not be fetched: ${(e as Error).message}. Try again in a moment.`;
    d.dataset['ready'] = 'error';
  }
}
