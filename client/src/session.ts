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
 * @module
 */
import { existingLocalSigner, hasInjectedWallet, injectedSigner, signIn, type PlayerSigner } from './sign-in.ts';

const SIGNED_IN = 'fairplay.signedIn';

interface Saved {
  readonly kind: PlayerSigner['kind'];
  readonly address: string;
}

export class Session {
  private constructor(readonly signer: PlayerSigner) {}

  /** Signs in (in this tab) as `signer`. */
  static start(signer: PlayerSigner): Session {
    const saved: Saved = { kind: signer.kind, address: signer.address };
    sessionStorage.setItem(SIGNED_IN, JSON.stringify(saved));
    return new Session(signer);
  }

  /** The player this tab was signed in as before a reload, if their key or wallet account is still at hand. */
  static async resume(): Promise<Session | undefined> {
    let saved: Saved | undefined;
    try {
      saved = JSON.parse(sessionStorage.getItem(SIGNED_IN) ?? 'null') ?? undefined;
    } catch {
      saved = undefined;
    }
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

  /** A sign-in token for one join: the server takes each nonce once. */
  joinToken(): Promise<string> {
    return signIn(this.signer);
  }
}
