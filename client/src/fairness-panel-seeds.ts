/**
 * Where the player sees and sets their seed source (seed-source.ts): random for every draw, the
 * default, or a seed phrase of their own, with the warning in plain words that whoever can guess
 * the phrase can know the seeds before they are revealed, and the number the next seed gets.
 * @module
 */
import { MIN_PHRASE_LENGTH, nextCounter, phraseFingerprint, phraseProblem, SEED_USED_EVENT, seedSetting, setNextCounter, setSeedSetting } from './seed-source.ts';

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}): HTMLElementTagNameMap[K] => Object.assign(document.createElement(tag), props);

/** What the summary says of the source in force. */
function summary(): string {
  const s = seedSetting();
  return s.kind === 'random'
    ? 'Your seeds: random for every draw'
    : `Your seeds: from your seed phrase (fingerprint ${phraseFingerprint(s.phrase)}), next is number ${nextCounter(s.phrase)}`;
}

export function seedSourceSettings(): HTMLElement {
  const details = el('details', { id: 'seed-source' });
  const head = el('summary', { id: 'seed-source-summary', textContent: summary() });
  const intro = el('p', {
    className: 'small',
    textContent:
      'Every draw mixes a seed from this browser with the server\'s key. The server sees only a hash of your seed until it has signed the draw, so it cannot pick a result against you. By default each seed is 32 random bytes. You can instead derive them from a phrase of your own, so you can recompute each one later: seed number i is SHA-256 of the tag "fairplay-seed-phrase-v1", your phrase and i.',
  });
  const random = el('input', { type: 'radio', name: 'seed-kind', value: 'random', id: 'seed-kind-random' });
  const phrase = el('input', { type: 'radio', name: 'seed-kind', value: 'phrase', id: 'seed-kind-phrase' });
  const text = el('input', { type: 'text', id: 'seed-phrase', autocomplete: 'off', spellcheck: false, minLength: MIN_PHRASE_LENGTH });
  text.setAttribute('aria-describedby', 'seed-phrase-warning');
  const warning = el('p', {
    id: 'seed-phrase-warning',
    className: 'warn small',
    textContent: `Careful: anyone who can guess your phrase, the server included, can work out your seeds before you reveal them, and so know your results before you bet. Use a long phrase nobody could guess (at least ${MIN_PHRASE_LENGTH} characters; several unusual words), and never one you use elsewhere. It is kept in this browser's storage. A seed is never used twice: if this browser forgets the phrase's next number (site data cleared), set it past the numbers you used.`,
  });
  const save = el('button', { type: 'button', id: 'seed-source-save', textContent: 'Use this seed source' });
  const said = el('p', { id: 'seed-source-status', className: 'small' });
  said.setAttribute('role', 'status');
  const label = (input: HTMLInputElement, words: string) => {
    const l = el('label');
    l.append(input, ` ${words}`);
    return l;
  };
  const phraseLabel = el('label', { htmlFor: 'seed-phrase', textContent: 'Seed phrase ' });
  const fieldset = el('fieldset');
  fieldset.append(el('legend', { textContent: 'Seed source' }), label(random, 'random for every draw (recommended)'), label(phrase, 'from my seed phrase'));
  const counter = el('input', { type: 'number', id: 'seed-counter', min: '0', step: '1', inputMode: 'numeric' });
  const counterLabel = el('label', { htmlFor: 'seed-counter', textContent: ' next seed number ' });
  const phraseRow = el('p');
  phraseRow.append(phraseLabel, text, counterLabel, counter);
  // The number shown is the one this browser would use next for the phrase typed.
  text.oninput = () => (counter.value = text.value.length >= MIN_PHRASE_LENGTH ? String(nextCounter(text.value)) : '0');

  const setting = seedSetting();
  (setting.kind === 'random' ? random : phrase).checked = true;
  if (setting.kind === 'phrase') text.value = setting.phrase;
  counter.value = setting.kind === 'phrase' ? String(nextCounter(setting.phrase)) : '0';
  const sync = () => (phraseRow.hidden = warning.hidden = !phrase.checked);
  random.onchange = phrase.onchange = sync;
  sync();
  save.onclick = () => {
    try {
      if (random.checked) setSeedSetting({ kind: 'random' });
      else {
        const problem = phraseProblem(text.value);
        if (problem) return void (said.textContent = problem);
        const next = Number(counter.value);
        if (!Number.isSafeInteger(next) || next < 0) return void (said.textContent = 'The next seed number must be a whole number, 0 or more.');
        // The number first: one lower than this browser used is refused, and then nothing is saved.
        setNextCounter(text.value, next);
        setSeedSetting({ kind: 'phrase', phrase: text.value });
      }
      head.textContent = summary();
      said.textContent = `Saved. ${summary()}.`;
    } catch (e) {
      said.textContent = `Not saved: ${(e as Error).message}`;
    }
  };
  window.addEventListener(SEED_USED_EVENT, () => {
    head.textContent = summary();
    const s = seedSetting();
    if (s.kind === 'phrase' && document.activeElement !== counter && text.value === s.phrase) counter.value = String(nextCounter(s.phrase));
  });
  details.append(head, intro, fieldset, phraseRow, warning, save, said);
  return details;
}
