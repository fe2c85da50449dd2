/**
 * The game page: pins the server's keys, signs the player in (or back in, after a reload), and
 * moves them between the lobby and a room. The pieces: session.ts (who plays, a fresh join token
 * per join), lobby.ts (rooms, kept fresh), game-room.ts (a room across drops and reloads),
 * the games' views (views.ts finds each game's `games/<id>/view.ts`) and inventory.ts.
 * @module
 */
import { Client, type Room } from '@colyseus/sdk';
import { getJson, pinnedFairness, repin, type Fairness } from './api.ts';
import { GameRoom, type RoomDeps } from './game-room.ts';
import { CourtPanel } from './court-panel.ts';
import { installFairnessUi } from './fairness-panel-hook.ts';
import { Inventory } from './inventory.ts';
import { Cashier } from './cashier.ts';
import { Lobby, type Game } from './lobby.ts';
import { Session } from './session.ts';
import { exportLocalKey, hasInjectedWallet, injectedSigner, localSigner, type PlayerSigner } from './sign-in.ts';
import { Verifier } from './verifier.ts';
import { buildGameSections } from './views.ts';
import { focusHeading } from './focus.ts';
import { showIdentity } from './identity.ts';
import { themeToggle } from './theme.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function main(): Promise<void> {
  themeToggle($<HTMLButtonElement>('theme-toggle'));
  buildGameSections($('game-sections'));
  const pinned = await pinnedFairness();
  const keys = pinned.keys;
  const fairness = installFairnessUi(keys, $('game-sections'));
  if (pinned.changed) {
    const warning = $('key-warning');
    warning.textContent = `The server now shows a different VRF key or receipt signer than the one this browser pinned (${pinned.changed.pinned.publicKey.slice(0, 16)}…). Outcomes are checked against the pinned key and will fail if the server changed it. `;
    const accept = document.createElement('button');
    accept.textContent = 'Trust the new key';
    accept.onclick = () => (repin(pinned.changed!.live), location.reload());
    warning.append(accept);
    warning.hidden = false;
  }
  const verifier = new Verifier();
  const client = new Client(location.origin);
  $('sign-in-wallet').hidden = !hasInjectedWallet();

  let deps: RoomDeps | undefined;
  let joining = false;
  /** Joins or creates a room with a fresh sign-in token; a failure is said in the lobby. */
  const enter = async (game: Game, join: () => Promise<Room>, roomId?: string) => {
    if (!deps || joining) return;
    joining = true;
    try {
      client.auth.token = await deps.session.joinToken();
      const room = await join();
      lobby.hide();
      GameRoom.enter(deps, game, room);
      // A new address's starting bonus is granted at its first join: the cashier shows it now.
      deps.onJoined?.();
      focusHeading($(game));
    } catch (e) {
      const reason = (e as Error).message || String(e);
      if (roomId) lobby.joinFailed(roomId, reason);
      else lobby.say(`Could not open a ${game} room: ${reason}`);
    } finally {
      joining = false;
    }
  };
  const lobby = new Lobby({
    create: (game) => enter(game, () => client.create(game)),
    join: (game, roomId) => enter(game, () => client.joinById(roomId), roomId),
  });

  const signedIn = async (session: Session) => {
    const { signer } = session;
    showIdentity($('identity'), signer.address, signer.kind);
    $('sign-in').hidden = true;
    $('export-key').hidden = signer.kind !== 'local';
    const inventory = new Inventory(session);
    void inventory.refresh().catch(() => undefined);
    const cashier = new Cashier(session, getJson<Fairness>('/fairness').then((f) => f.chain), () => void inventory.refresh().catch(() => undefined));
    void cashier.refresh().catch(() => undefined);
    new CourtPanel(keys, session, () => void inventory.refresh().catch(() => undefined)).render();
    fairness.signedIn(signer.address);
    deps = { client, keys, verifier, session, toLobby: (message) => lobby.show(message), onWin: () => (fairness.settled(), void inventory.refresh().catch(() => undefined), void cashier.refresh().catch(() => undefined)), onJoined: () => void cashier.refresh().catch(() => undefined) };
    const resumed = await GameRoom.resume(deps);
    if (resumed instanceof GameRoom) focusHeading($(resumed.game));
    else lobby.show(resumed);
  };
  const start = (signer: PlayerSigner) => void signedIn(Session.start(signer));
  $('sign-in-wallet').onclick = () => void injectedSigner().then(start, (e: Error) => alert(`wallet sign-in failed: ${e.message}`));
  $('sign-in-local').onclick = () => start(localSigner());
  // Enabled only now that they do something: a click while the page was still fetching its keys was lost.
  for (const id of ['sign-in-wallet', 'sign-in-local']) ($(id) as HTMLButtonElement).disabled = false;
  $('export-key').onclick = () => {
    const out = $('exported-key');
    out.textContent = `Private key of your browser account. Anyone who sees it controls your tokens:\n${exportLocalKey() ?? '(none)'}`;
    out.hidden = false;
  };
  const session = await Session.resume();
  if (session) await signedIn(session);
}

main().catch((e: Error) => {
  document.body.prepend(Object.assign(document.createElement('div'), { className: 'banner fail', textContent: `Fairplay could not start: ${e.message}` }));
});
