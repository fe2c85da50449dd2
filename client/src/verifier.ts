/**
 * The page's side of the verification worker: a promise per check, and a `RoomChain` per room
 * the page is in, which every record heard in that room goes through.
 * @module
 */
import type { RegistryEntries } from '../../vrf/protocol/registry-check.ts';
import type { TrustedKeys } from '../../vrf/protocol/transcript.ts';
import { noteHeard } from './heard-draws.ts';
import type { Verdict } from './live-transcript.ts';
import type { WorkerAnswer, WorkerRequest } from './verify.worker.ts';

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;
type ReceiptCheck = Omit<Extract<WorkerRequest, { op: 'receipt' }>, 'id' | 'op'>;

export class Verifier {
  readonly #worker = new Worker(new URL('./verify.worker.ts', import.meta.url), { type: 'module' });
  readonly #waiting = new Map<number, (answer: WorkerAnswer) => void>();
  readonly #history = new Map<string, (v: Verdict) => void>();
  #next = 0;

  constructor() {
    this.#worker.onmessage = (e: MessageEvent<WorkerAnswer>) => {
      const a = e.data;
      if ('history' in a) return this.#history.get(a.roomId)?.(a.history);
      this.#waiting.get(a.id)?.(a);
      this.#waiting.delete(a.id);
    };
  }

  #ask(request: Request): Promise<WorkerAnswer> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.#worker.postMessage({ ...request, id });
    });
  }

  /** What is wrong with my receipt (the check before revealing my seed): none when it is mine, as I asked. */
  async receiptProblems(check: ReceiptCheck): Promise<string[]> {
    const a = await this.#ask({ op: 'receipt', ...check });
    return 'problems' in a ? a.problems : ['the verification worker gave no answer'];
  }

  /**
   * Starts following a room: its transcript so far is fetched and verified in the worker, and
   * each record heard is then checked in chain order. `onHistory` hears of transcript records
   * no one on this page heard that fail. `registry`: the fairness registry's entries the room's
   * receipts are checked against (read first: no record is checked before they are there).
   */
  follow(roomId: string, keys: TrustedKeys, onHistory: (v: Verdict) => void, registry?: Promise<RegistryEntries | undefined>): RoomChain {
    this.#history.set(roomId, onHistory);
    const chain = new RoomChain(roomId, (r) => this.#ask(r), () => this.#history.delete(roomId), registry);
    void chain.catchUp(keys);
    return chain;
  }
}

/** One room's records, checked in the worker in chain order. */
export class RoomChain {
  #keys: TrustedKeys | undefined;

  constructor(
    readonly roomId: string,
    private readonly ask: (r: Request) => Promise<WorkerAnswer>,
    private readonly onForget: () => void,
    private readonly registry: Promise<RegistryEntries | undefined> = Promise.resolve(undefined),
  ) {}

  /** Verifies what the room's transcript holds beyond what this page checked (on joining, and back after a drop). */
  async catchUp(keys = this.#keys): Promise<void> {
    this.#keys = keys;
    const registry = await this.registry;
    if (keys) await this.ask({ op: 'follow', roomId: this.roomId, keys, ...(registry ? { registry } : {}) });
  }

  /** A record heard in the room: its verdict once the chain reaches it. */
  async record(record: unknown): Promise<Verdict> {
    // The room's verifier is made with the registry's entries: a record waits until they are read.
    await this.registry;
    const a = await this.ask({ op: 'record', roomId: this.roomId, record });
    const verdict: Verdict = 'verdict' in a ? a.verdict : { seq: -1, type: 'unknown', problems: ['the verification worker gave no answer'] };
    // What the fairness panel later compares the server's transcript with (heard-draws.ts).
    noteHeard(this.roomId, record, verdict.problems.length === 0 && verdict.unplaced === undefined);
    return verdict;
  }

  forget(): void {
    this.onForget();
    void this.ask({ op: 'forget', roomId: this.roomId });
  }
}
