/**
 * Who the player is in this tab, and the tokens that let them into rooms.
 *
 * The server takes each sign-in nonce once (a replayed token is refused with 401 "nonce has
 * already been used"), so every join and every room creation signs a fresh nonce: a browser key
 * signs without asking; a wallet asks once per join. That is the price of the server keeping
 * no session of its own; coming back to a room (a dropped connection, a reload) needs no
 * signature, since it uses the room's reconnection token instead.
 *
 * Being signed in lasts for the tab (sessionStorage): a reload signs back in without a click,
 * with the browser key at once, or with a wallet whose account is still connected.
 *
 * Every sign-in names a fresh session key (protocol v2, FAIRNESS.md section 5a): the room keeps
 * it with the player, and it signs each draw request (a bet, a commitment, a chest opening)
 * without asking. It is kept for the tab too, so a reload that reconnects to its room can still
 * sign; without one the wallet itself signs each draw.
 * @module
 */
import { Wallet } from 'ethers';
import { signDrawMove, signDrawRequest, type DrawMove, type DrawRequest, type TypedDataSigner } from '../../vrf/protocol/authorization.ts';
import { existingLocalSigner, hasInjectedWallet, injectedSigner, signIn, type PlayerSigner } from './sign-in.ts';
import { readTabJson } from './tab-storage.ts';

const SIGNED_IN = 'fairplay.signedIn';
const SESSION_KEY = 'fairplay.sessionKey';

/** The session key of this tab's last sign-in, if it is still kept. */
function keptSessionKey(): TypedDataSigner | undefined {
  const key = sessionStorage.getItem(SESSION_KEY);
  try {
    return key ? new Wallet(key) : undefined;
  } catch {
    return undefined;
  }
}

interface Saved {
  readonly kind: PlayerSigner['kind'];
  readonly address: string;
}

export class Session {
  #sessionKey: TypedDataSigner | undefined = keptSessionKey();

  private constructor(readonly signer: PlayerSigner) {}

  /** Signs in (in this tab) as `signer`. */
  static start(signer: PlayerSigner): Session {
    const saved: Saved = { kind: signer.kind, address: signer.address };
    sessionStorage.setItem(SIGNED_IN, JSON.stringify(saved));
    sessionStorage.removeItem(SESSION_KEY); // another player's, if any
    return new Session(signer);
  }

  /** The player this tab was signed in as before a reload, if their key or wallet account is still at hand. */
  static async resume(): Promise<Session | undefined> {
    const saved = readTabJson<Saved>(SIGNED_IN);
    if (!saved) return undefined;
    const signer =
      saved.kind === 'local' ? existingLocalSigner() : hasInjectedWallet() ? await injectedSigner('eth_accounts').catch(() => undefined) : undefined;
    if (signer?.address.toLowerCase() === saved.address.toLowerCase()) return new Session(signer);
    sessionStorage.removeItem(SIGNED_IN);
    return undefined;
  }

  get address(): string {
    return this.signer.address;
  }

  /** A sign-in token for one join (the server takes each nonce once), delegating to a fresh session key. */
  async joinToken(): Promise<string> {
    const key = Wallet.createRandom();
    const token = await signIn(this.signer, key.address);
    this.#sessionKey = key;
    sessionStorage.setItem(SESSION_KEY, key.privateKey);
    return token;
  }

  /** The `authorization` of a draw-opening message: the session key's signature of the request (the wallet's, if there is none). */
  authorize(request: DrawRequest): Promise<string> {
    return signDrawRequest(this.#sessionKey ?? this.signer, request);
  }

  /** The `authorization` of a move message: the session key's signature of the move (the wallet's, if there is none). */
  authorizeMove(move: DrawMove): Promise<string> {
    return signDrawMove(this.#sessionKey ?? this.signer, move);
  }
}
