/**
 * The page's "Reveal court" card: every draw this tab revealed a seed for and then saw voided,
 * or never saw settled (court-store.ts), with what the player can do about it.
 *
 * - "Take it to the court": one click; the player's own key signs the CourtReveal and sends
 *   `court.reveal` (court-actions.ts). The seed is then public and timestamped on chain.
 * - The court pays from its bond: a reveal it cannot cover now (`BondTooSmall`) is tried again
 *   every 30 s until the receipt's reveal deadline, and the row says so. The card shows the
 *   bond's free and reserved coins.
 * - Revealed: the server must answer by the case's `answerBy`. Answered: the outcome's beta,
 *   checked here against the pinned VRF key, the coins the answer paid (0: the draw is settled in
 *   chips; for a voided draw the card says how it came out), and /verify for the room. Past `answerBy` and still
 *   unanswered: "Claim N coins", one more click; then claimed.
 * - Held: a payment the player's address refused (code at the address, e.g. an EIP-7702
 *   delegation) is kept by the court (`owed(player)`, read once a case is answered or claimed);
 *   the card says so, with a Collect button that sends `collect(player)` (court-held.ts).
 *
 * Each case row carries `data-state` (open, bond-wait, revealed, claimable, answered, claimed,
 * refused) so tests and scripts can follow it. The chain is read every 2 s while some case is
 * still open.
 * @module
 */
import { addressOf, type Fairness } from './api.ts';
import type { CaseState, CourtChain } from './court-actions.ts';
import type { CourtBond } from './court-bond.ts';
import { bondText, bondWaitText, heldText, payoutText, proofText } from './court-text.ts';
import { isCourtCase, notForCourt, onWitnessedChange, saveWitnessed, witnessedDraws, type WitnessedDraw } from './court-store.ts';
import type { Session } from './session.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const actions = () => import('./court-actions.ts');
const bonds = () => import('./court-bond.ts');
const held = () => import('./court-held.ts');
const POLL_MS = 2000;
/** How often a reveal the court's bond could not cover is tried again. */
export const BOND_RETRY_MS = 30_000;
const time = (seconds: number) => new Date(seconds * 1000).toLocaleString();
const short = (hex: string) => `${hex.slice(0, 10)}…`;

export class CourtPanel {
  readonly #chain: CourtChain | undefined;
  /** The chain's view of each case, by case id, as last read. */
  readonly #states = new Map<string, CaseState>();
  /** Draws with a click under way, and the last failure of each: by room/draw. */
  readonly #busy = new Set<string>();
  readonly #failed = new Map<string, string>();
  /** Reveals refused for want of bond, waiting for their next try: by room/draw. */
  readonly #bondWait = new Map<string, { readonly needed: bigint; readonly available: bigint; readonly signature: string; readonly next: number }>();
  #bond: CourtBond | undefined;
  /** Coins the court holds for this player (`owed`), as last read; a Collect under way, and its last failure. */
  #owed = 0n;
  #collecting = false;
  #collectFailed: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly keys: Fairness,
    private readonly session: Session,
    /** A claim minted coins: the inventory may have changed. */
    private readonly onClaimed: () => void = () => undefined,
  ) {
    const court = addressOf(keys.chain.court);
    this.#chain = court ? { rpcUrl: keys.chain.rpcUrl, chainId: keys.chain.chainId, court } : undefined;
    onWitnessedChange(() => this.#tick());
    this.#tick();
    // Reveals that were waiting for bond when the page was left: tried again now, then every 30 s.
    for (const d of this.#cases()) if (this.#chain && d.waitingForBond && !d.court && !notForCourt(d.receipt)) void this.#reveal(d);
  }

  /** Reads the open cases on chain, redraws, and comes back while anything may still change. */
  #tick(): void {
    clearTimeout(this.#timer);
    void this.#refresh().finally(() => {
      this.render();
      if (witnessedDraws().some((d) => !this.#final(d))) this.#timer = setTimeout(() => this.#tick(), POLL_MS);
    });
  }

  #final(d: WitnessedDraw): boolean {
    const state = d.court && this.#states.get(d.court.caseId);
    return state?.status === 'answered' || state?.status === 'claimed';
  }

  async #refresh(): Promise<void> {
    if (!this.#chain || !this.#cases().length) return;
    const open = witnessedDraws().filter((d) => d.court && !this.#final(d));
    const { caseState } = await actions();
    const bond = bonds().then(async ({ readCourtBond }) => (this.#bond = await readCourtBond(this.#chain!)));
    await Promise.all([
      bond.catch(() => undefined), // unread this time: the last figures stay shown
      ...open.map(async (d) => {
        try {
          const state = await caseState(this.#chain!, d.court!, d.receipt, d.seed, this.keys, d.voided !== undefined);
          this.#states.set(d.court!.caseId, state);
          if (state.status === 'answered' && state.payout > 0) this.onClaimed(); // the answer paid coins
        } catch {
          // The chain did not answer this time: the last state stays shown, and the next tick asks again.
        }
      }),
    ]);
    // An answer or a claim may have been held rather than paid: read what the court owes the player.
    if (this.#cases().some((d) => this.#final(d) || d.court?.claimTx)) {
      const { readOwed } = await held();
      this.#owed = await readOwed(this.#chain, this.session.address).catch(() => this.#owed);
    }
  }

  /** The draws of this player's the card lists. */
  #cases(): WitnessedDraw[] {
    const mine = (d: WitnessedDraw) => d.receipt.players[0]?.toLowerCase() === this.session.address.toLowerCase();
    return witnessedDraws().filter((d) => mine(d) && isCourtCase(d));
  }

  render(): void {
    const cases = this.#cases();
    $('court').hidden = cases.length === 0;
    $('court-bond').hidden = !this.#chain;
    $('court-bond').textContent = bondText(this.#bond);
    $('court-cases').replaceChildren(...cases.map((d) => this.#row(d)));
    this.#renderHeld();
  }

  /** The line for coins held for the player, with its Collect button. */
  #renderHeld(): void {
    const line = $('court-held');
    line.hidden = this.#owed === 0n;
    line.dataset['owed'] = String(this.#owed);
    const collect = this.#collecting ? document.createTextNode('Collecting…') : this.#button('Collect', 'court-collect', () => this.#collect());
    const failure = this.#collectFailed ? [Object.assign(document.createElement('span'), { className: 'fail', textContent: ` ✗ ${this.#collectFailed}` })] : [];
    line.replaceChildren(heldText(this.#owed), collect, ...failure);
  }

  #row(d: WitnessedDraw): HTMLLIElement {
    const id = `${d.roomId}/${d.drawSeq}`;
    const li = document.createElement('li');
    li.dataset['case'] = id;
    const what = `${d.receipt.game} draw ${d.drawSeq} in room ${d.roomId}: ${d.voided ? `voided after this page revealed its seed (${d.voided})` : 'never settled after this page revealed its seed'}`;
    const say = (state: string, text: string, ...extra: Node[]) => {
      li.dataset['state'] = state;
      li.append(`${what}. ${text}`, ...extra);
      const failure = this.#failed.get(id);
      if (failure) li.append(Object.assign(document.createElement('span'), { className: 'fail', textContent: ` ✗ ${failure}` }));
      return li;
    };
    if (!this.#chain) return say('refused', 'This server publishes no reveal court.');
    if (!d.court) {
      const why = notForCourt(d.receipt);
      if (why) return say('refused', `It cannot go to the court: ${why}.`);
      const wait = this.#bondWait.get(id);
      if (wait) return say('bond-wait', bondWaitText(wait, d.receipt.revealDeadline!));
      if (this.#busy.has(id)) return say('open', 'Taking it to the court…');
      return say('open', 'The court makes the seed public; the server must then answer with the outcome, which settles the draw in chips, or the most this draw could have paid can be claimed in coins.', this.#button('Take it to the court', 'court-reveal', () => this.#reveal(d)));
    }
    const c = d.court;
    const state = this.#states.get(c.caseId);
    if (state?.status === 'answered') {
      const paid = payoutText(state, d.voided !== undefined);
      li.dataset['payout'] = String(state.payout);
      const payout = Object.assign(document.createElement('span'), { className: paid.ok ? 'paid' : 'fail', textContent: `${paid.text} ` });
      const link = Object.assign(document.createElement('a'), { href: `/verify?room=${encodeURIComponent(d.roomId)}`, textContent: 'verify the room' });
      return say('answered', `The server answered on chain: beta ${short(state.beta)}${proofText(state)}. `, payout, link);
    }
    if (state?.status === 'claimed' || c.claimTx) return say('claimed', `Claimed ${state?.status === 'claimed' ? state.amount : ''} coins${c.claimTx ? ` in ${short(c.claimTx)}` : ''}.`);
    const maxPayout = state?.status === 'revealed' ? state.maxPayout : (d.receipt as { maxPayout?: number }).maxPayout ?? 0;
    // The chain's clock decides when a case may be claimed, not this computer's.
    if ((state?.status === 'revealed' ? state.chainNow : Date.now() / 1000) > c.answerBy) {
      if (this.#busy.has(id)) return say('claimable', 'Claiming…');
      return say('claimable', `Revealed in ${short(c.revealTx)}; no answer came by ${time(c.answerBy)}.`, this.#button(`Claim ${maxPayout} coins`, 'court-claim', () => this.#claim(d)));
    }
    return say('revealed', `Revealed on chain in ${short(c.revealTx)}: the server must answer by ${time(c.answerBy)}.`);
  }

  #button(text: string, className: string, onClick: () => Promise<void>): HTMLButtonElement {
    const button = Object.assign(document.createElement('button'), { type: 'button', textContent: text, className });
    button.onclick = () => void onClick();
    return button;
  }

  async #act(d: WitnessedDraw, work: () => Promise<void>): Promise<void> {
    const id = `${d.roomId}/${d.drawSeq}`;
    if (this.#busy.has(id)) return;
    this.#busy.add(id);
    this.#failed.delete(id);
    this.render();
    try {
      await work();
    } catch (e) {
      this.#failed.set(id, (e as Error).message.slice(0, 300));
    } finally {
      this.#busy.delete(id);
      this.#tick();
    }
  }

  /** Sends `collect(player)`: everything the court holds for this player, paid out. */
  async #collect(): Promise<void> {
    if (this.#collecting) return;
    this.#collecting = true;
    this.#collectFailed = undefined;
    this.render();
    try {
      await (await held()).collectHeld(this.#chain!, this.session);
      this.onClaimed(); // the coins reached the player: the inventory has changed
    } catch (e) {
      this.#collectFailed = (e as Error).message.slice(0, 300);
    } finally {
      this.#collecting = false;
      this.#tick();
    }
  }

  #reveal(d: WitnessedDraw): Promise<void> {
    const id = `${d.roomId}/${d.drawSeq}`;
    return this.#act(d, async () => {
      const { revealToCourt, BondTooSmallError } = await actions();
      const waited = this.#bondWait.get(id);
      this.#bondWait.delete(id);
      try {
        const court = await revealToCourt(this.#chain!, this.session, d.receipt, d.seed, waited?.signature);
        saveWitnessed({ ...d, court, waitingForBond: false });
      } catch (e) {
        // The court's bond cannot cover this draw now: wait for it (a case closing frees its reserve) until the reveal deadline.
        if (!(e instanceof BondTooSmallError) || Date.now() + BOND_RETRY_MS > d.receipt.revealDeadline!) {
          if (d.waitingForBond) saveWitnessed({ ...d, waitingForBond: false });
          throw e;
        }
        this.#bondWait.set(id, { needed: e.needed, available: e.available, signature: e.playerSignature, next: Date.now() + BOND_RETRY_MS });
        if (!d.waitingForBond) saveWitnessed({ ...d, waitingForBond: true });
        setTimeout(() => void this.#reveal({ ...d, waitingForBond: true }), BOND_RETRY_MS);
      }
    });
  }

  #claim(d: WitnessedDraw): Promise<void> {
    return this.#act(d, async () => {
      const claimTx = await (await actions()).claimCase(this.#chain!, this.session, d.court!);
      saveWitnessed({ ...d, court: { ...d.court!, claimTx } });
      this.onClaimed();
    });
  }
}
