/**
 * The "verify it yourself" commands of the fairness panel, for the player to paste into a shell.
 * Every value in them comes from the server (the room id names the file; the keys, the suite and
 * the registry come from /fairness; alpha and the proof from the transcript), so each is quoted
 * for a POSIX shell unless it is plainly safe: a hostile server must not be able to hide
 * `$(…)` or `; …` in a room id and have the player run it.
 * @module
 */

/** `value` as one shell word: as is when it holds only safe characters, else single-quoted. */
export function shellArg(value: string): string {
  if (/^[A-Za-z0-9_.:/=@%+,-]+$/.test(value)) return value; // nothing a shell reads specially (an empty value is quoted)
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** What the commands name: the saved file, the server, the pinned keys, and (settled draws) the proof. */
export interface CliFacts {
  readonly file: string;
  readonly origin: string;
  readonly keys: { readonly suite: string; readonly publicKey: string; readonly receiptSigner: string };
  readonly chain?: { readonly rpc: string; readonly registry: string };
  readonly outcome?: { readonly alpha: string; readonly pi: string };
}

/** The commands, one a line. */
export function cliCommands(f: CliFacts): string {
  const q = shellArg;
  return [
    `curl -s ${q(`${f.origin}/fairness`)} > fairness.json`,
    `npx tsx vrf/cli.ts verify-transcript ${q(f.file)} --pk ${q(f.keys.publicKey)} --signer ${q(f.keys.receiptSigner)} --rules fairness.json${f.chain ? ` --rpc ${q(f.chain.rpc)} --registry ${q(f.chain.registry)}` : ''}`,
    ...(f.outcome
      ? [`# this draw's proof alone (prints beta):`, `npx tsx vrf/cli.ts verify --suite ${q(f.keys.suite)} --pk ${q(f.keys.publicKey)} --alpha ${q(f.outcome.alpha)} --proof ${q(f.outcome.pi)}`]
      : []),
  ].join('\n');
}
