/**
 * The references of the chip effects a ledger has applied, held compactly: most are
 * `<roomId>/<drawSeq>/<stake|payout|refund|double>`, kept as one small integer in a set per room
 * (about a sixth of the memory of the string); any other reference is kept as it is.
 * @module
 */
const DRAW_REF = /^([^/]+)\/(0|[1-9]\d{0,8})\/(stake|payout|refund|double)$/; // no leading zeros: one number, one string
/** At most four kinds: a draw's references share the integers drawSeq * 4 + kind. */
const KINDS = ['stake', 'payout', 'refund', 'double'];

export class AppliedRefs {
  readonly #byRoom = new Map<string, Set<number>>();
  readonly #other = new Set<string>();

  has(ref: string): boolean {
    const draw = DRAW_REF.exec(ref);
    return draw ? (this.#byRoom.get(draw[1]!)?.has(Number(draw[2]) * 4 + KINDS.indexOf(draw[3]!)) ?? false) : this.#other.has(ref);
  }

  add(ref: string): void {
    const draw = DRAW_REF.exec(ref);
    if (!draw) return void this.#other.add(ref);
    let room = this.#byRoom.get(draw[1]!);
    if (!room) this.#byRoom.set(draw[1]!, (room = new Set()));
    room.add(Number(draw[2]) * 4 + KINDS.indexOf(draw[3]!));
  }
}
