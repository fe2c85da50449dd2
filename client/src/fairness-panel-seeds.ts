/**
 * Where the player sees and sets their seed source (seed-source.ts): random for every draw, the
 * default, or a seed phrase of their own, with the warning in plain words that whoever can guess
 * the phrase can know the seeds before they are revealed, and the number the next seed gets.
 * @module
 */
import { MIN_PHRASE_LENGTH, nextCounter, phraseFingerprint, phraseKey, phraseProblem, SEED_USED_EVENT, seedSetting, setNextCounter, setSeedSetting } from './seed-source.ts';

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}): HTMLElementTagNameMap[K] => Object.assign(document.createElement(tag), props);

/** What the summary says of the source in force. */
function summary(): string {
  const s = seedSetting();
  return s.kind === 'random'
    ? 'Your seeds: random for every draw'
    : `Your seeds: from your seed phrase (fingerprint ${phraseFingerprint(s.key)}), next is number ${nextCounter(s.key)}`;
}

export function seedSourceSettings(): HTMLElement {
  const details = el('details', { id: 'seed-source' });
  const head = el('summary', { id: 'seed-source-summary', textContent: summary() });
  const intro = el('p', {
    className: 'small',
    textContent:
      'Every draw mixes a seed from this browser with the server\'s key. The server sees only a hash of your seed until it has signed the draw, so it cannot pick a result against you. By default each seed is 32 random bytes. You can instead derive them from a phrase of your own, so you can recompute each one later: your phrase is stretched once (PBKDF2-SHA-256, 200 000 rounds, so each guess at it costs as much), and seed number i is SHA-256 of the tag "fairplay-seed-phrase-v2", that key and i. Only the stretched key is kept in this browser, not the phrase.',
  });
  const random = el('input', { type: 'radio', name: 'seed-kind', value: 'random', id: 'seed-kind-random' });
  const phrase = el('input', { type: 'radio', name: 'seed-kind', value: 'phrase', id: 'seed-kind-phrase' });
  // A password field: the phrase is not shown on screen (nor in screenshots of the page).
  const text = el('input', { type: 'password', id: 'seed-phrase', autocomplete: 'off', spellcheck: false, minLength: MIN_PHRASE_LENGTH });
  text.setAttribute('aria-describedby', 'seed-phrase-warning');
  const warning = el('p', {
    id: 'seed-phrase-warning',
    className: 'warn small',
    textContent: `Careful: anyone who can guess your phrase, the server included, can work out your seeds before you reveal them, and so know your results before you bet. Use a long phrase nobody could guess (at least ${MIN_PHRASE_LENGTH} characters; several unusual words), and never one you use elsewhere. Its stretched key is kept in this browser's storage (not the phrase: you type it again to change it). A seed is never used twice: if this browser forgets the phrase's next number (site data cleared), set it past the numbers you used.`,
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
  const setting = seedSetting();
  (setting.kind === 'random' ? random : phrase).checked = true;
  // The phrase is not kept: a saved one is named by its fingerprint, and typed again to change it.
  if (setting.kind === 'phrase') text.placeholder = `saved (fingerprint ${phraseFingerprint(setting.key)})`;
  counter.value = setting.kind === 'phrase' ? String(nextCounter(setting.key)) : '0';
  const sync = () => (phraseRow.hidden = warning.hidden = !phrase.checked);
  random.onchange = phrase.onchange = sync;
  sync();
  save.onclick = async () => {
    try {
      if (random.checked) setSeedSetting({ kind: 'random' });
      else {
        const current = seedSetting();
        const next = Number(counter.value);
        if (!Number.isSafeInteger(next) || next < 0) return void (said.textContent = 'The next seed number must be a whole number, 0 or more.');
        let key: string;
        if (!text.value && current.kind === 'phrase') key = current.key; // the saved phrase, a new number
        else {
          const problem = phraseProblem(text.value);
          if (problem) return void (said.textContent = problem);
          said.textContent = 'Stretching your phrase into a key…';
          save.disabled = true;
          key = await phraseKey(text.value).finally(() => (save.disabled = false));
        }
        // The number first: one lower than this browser used is refused, and then nothing is saved.
        setNextCounter(key, next);
        setSeedSetting({ kind: 'phrase', key });
        text.value = '';
        text.placeholder = `saved (fingerprint ${phraseFingerprint(key)})`;
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
    if (s.kind === 'phrase' && document.activeElement !== counter) counter.value = String(nextCounter(s.key));
  });
  details.append(head, intro, fieldset, phraseRow, warning, save, said);
  return details;
}
