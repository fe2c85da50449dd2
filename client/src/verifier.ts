/** The page's side of the verification worker: a promise per check. */
import type { VerifyAnswer, VerifyRequest } from './verify.worker.ts';

type Request = VerifyRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class Verifier {
  readonly #worker = new Worker(new URL('./verify.worker.ts', import.meta.url), { type: 'module' });
  readonly #waiting = new Map<number, (problems: string[]) => void>();
  #next = 0;

  constructor() {
    this.#worker.onmessage = (e: MessageEvent<VerifyAnswer>) => {
      this.#waiting.get(e.data.id)?.(e.data.problems);
      this.#waiting.delete(e.data.id);
    };
  }

  /** Resolves with the failed checks, none when the receipt or outcome holds. */
  check(request: Request): Promise<string[]> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.#worker.postMessage({ ...request, id });
    });
  }
}
