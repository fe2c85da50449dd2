/**
 * The dice stage in motion: a roll starts tumbling when the bet is sent and lands only on the
 * number of a verified outcome record (a failed verification lands too, marked failed, so the
 * player sees what the server claimed and that it did not check out). With reduced motion the
 * die stays still and the number waits as "…" until it lands.
 * @module
 */
import { prefersReducedMotion } from '../play-keys.ts';
import { ROLLS } from './rules.ts';
import { pips, STAGE_SVG, TRACK } from './art.ts';

export type StageState = 'idle' | 'rolling' | 'landed';

/** The x of roll `n` (0..9999) on the track. */
function trackX(n: number): number {
  return TRACK.x0 + ((TRACK.x1 - TRACK.x0) * n) / (ROLLS - 1);
}

export class RollDisplay {
  readonly #stage: HTMLElement;
  readonly #number: SVGTextElement;
  readonly #marker: SVGGElement;
  readonly #pips: SVGGElement;
  readonly #zone: SVGRectElement;
  readonly #caption: HTMLElement;
  #frame = 0;
  #lastTick = 0;

  /** Draws the stage into `figure` (empty). */
  constructor(figure: HTMLElement) {
    figure.innerHTML = `${STAGE_SVG}<figcaption>Set your stake and target, then roll.</figcaption>`;
    this.#stage = figure;
    this.#number = figure.querySelector('.dice-number')!;
    this.#marker = figure.querySelector('.marker')!;
    this.#pips = figure.querySelector('.pips')!;
    this.#zone = figure.querySelector('.win-zone')!;
    this.#caption = figure.querySelector('figcaption')!;
    this.#state('idle');
  }

  /** Shades the winning rolls of a bet: under `target` or over it. */
  showRange(target: number, direction: 'under' | 'over'): void {
    const [from, to] = direction === 'under' ? [0, target - 1] : [target + 1, ROLLS - 1];
    this.#zone.setAttribute('x', String(trackX(from)));
    this.#zone.setAttribute('width', String(Math.max(0, trackX(to) - trackX(from))));
  }

  /** The bet is on its way: tumble until `land` or `reset`. */
  roll(): void {
    cancelAnimationFrame(this.#frame);
    this.#state('rolling');
    this.#stage.classList.remove('win', 'loss', 'verified', 'failed', 'unplaced');
    this.#caption.textContent = 'Rolling… the result shows once it is verified.';
    if (prefersReducedMotion()) return void (this.#number.textContent = '…');
    const tick = (now: number) => {
      if (now - this.#lastTick > 70) {
        this.#lastTick = now;
        const n = Math.floor(Math.random() * ROLLS);
        this.#number.textContent = String(n);
        this.#marker.setAttribute('transform', `translate(${trackX(n)} 0)`);
        this.#pips.innerHTML = pips(1 + Math.floor(Math.random() * 6));
      }
      this.#frame = requestAnimationFrame(tick);
    };
    this.#frame = requestAnimationFrame(tick);
  }

  /** Settles on the outcome's `roll`: a win or a loss, verified, failed or not placed yet, with `caption` in words. */
  land(roll: number, win: boolean, check: 'verified' | 'failed' | 'unplaced', caption: string): void {
    cancelAnimationFrame(this.#frame);
    this.#number.textContent = String(roll);
    this.#marker.setAttribute('transform', `translate(${trackX(roll)} 0)`);
    this.#pips.innerHTML = pips(win ? 6 : 1);
    this.#stage.classList.remove('win', 'loss', 'verified', 'failed', 'unplaced');
    this.#stage.classList.add(win ? 'win' : 'loss', check);
    this.#stage.dataset['roll'] = String(roll);
    const words = { verified: '✓ verified', failed: '✗ verification failed', unplaced: '⧗ not verified yet' }[check];
    const badge = Object.assign(document.createElement('span'), { className: `badge ${check}`, textContent: words });
    this.#caption.replaceChildren(caption, badge);
    this.#state('landed');
  }

  /** No outcome is coming (refused, voided, left): back to still, saying why. */
  reset(caption: string): void {
    cancelAnimationFrame(this.#frame);
    if (this.#stage.dataset['state'] !== 'rolling') return;
    this.#number.textContent = '– – – –';
    this.#caption.textContent = caption;
    this.#state('idle');
  }

  stop(): void {
    cancelAnimationFrame(this.#frame);
  }

  #state(state: StageState): void {
    this.#stage.dataset['state'] = state;
    this.#stage.classList.toggle('rolling', state === 'rolling');
  }
}
