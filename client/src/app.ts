/**
 * The game page: pins the server's keys, signs the player in, lists rooms, runs the dice table
 * and shows the inventory (token balances from the chain, each award with its source draw).
 * @module
 */
import { Client, type Room } from '@colyseus/sdk';
import { LOOT_TABLE } from '../../games/raid/rules.ts';
import { getJson, pinnedFairness, repin, type AwardView, type Fairness } from './api.ts';
import { Lobby, type Game } from './lobby.ts';
import { DiceView } from './dice-view.ts';
import { historyLine } from './marks.ts';
import { RaidView } from './raid-view.ts';
import { Session } from './session.ts';
import { exportLocalKey, hasInjectedWallet, injectedSigner, localSigner, type PlayerSigner } from './sign-in.ts';
import { Verifier } from './verifier.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const show = (id: string, on: boolean) => ($(id).hidden = !on);

async function main(): Promise<void> {
  const pinned = await pinnedFairness();
  const keys: Fairness = pinned.keys;
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
  show('sign-in-wallet', hasInjectedWallet());

  const start = async (signer: PlayerSigner) => {
    const session = Session.start(signer);
    $('identity').textContent = `${signer.address} (${signer.kind === 'wallet' ? 'wallet' : 'browser key'})`;
    $('identity').dataset['address'] = signer.address;
    show('sign-in', false);
    show('export-key', signer.kind === 'local');
    await lobby(client, session, keys, verifier);
    await inventory(signer.address);
  };
  $('sign-in-wallet').onclick = () => void injectedSigner().then(start, (e: Error) => alert(`wallet sign-in failed: ${e.message}`));
  $('sign-in-local').onclick = () => void start(localSigner());
  $('export-key').onclick = () => {
    const out = $('exported-key');
    out.textContent = `Private key of your browser account. Anyone who sees it controls your tokens:\n${exportLocalKey() ?? '(none)'}`;
    out.hidden = false;
  };
  $('refresh-inventory').onclick = () => void inventory($('identity').dataset['address']!);
}

async function lobby(client: Client, session: Session, keys: Fairness, verifier: Verifier): Promise<void> {
  const { signer } = session;
  show('inventory', true);
  const refresh = () => void inventory(signer.address);
  /** Each join signs a fresh nonce: the server takes each once (a reused token is refused with 401). */
  const enter = async (game: Game, join: () => Promise<Room>, roomId?: string) => {
    let room: Room;
    try {
      client.auth.token = await session.joinToken();
      room = await join();
    } catch (e) {
      const reason = (e as Error).message || String(e);
      if (roomId) lobby.joinFailed(roomId, reason);
      else lobby.say(`Could not open a ${game} room: ${reason}`);
      return;
    }
    lobby.hide();
    show(game, true);
    const transcript = $<HTMLAnchorElement>(game === 'dice' ? 'export-transcript' : 'export-raid-transcript');
    transcript.href = `/rooms/${room.roomId}/transcript`;
    transcript.download = `fairplay-${room.roomId}.json`;
    // Every record heard in the room goes through its chain in the worker, which starts from the room's transcript.
    const chain = verifier.follow(room.roomId, keys, (v) => {
      const li = Object.assign(document.createElement('li'), { textContent: `${historyLine(v)} ✗ FAILED: ${v.problems.join('; ')}`, className: 'fail' });
      $(game === 'dice' ? 'rolls' : 'raid-log').prepend(li);
    });
    const view =
      game === 'dice' ? new DiceView(room, signer.address, keys, verifier, chain, refresh) : new RaidView(room, signer.address, keys, verifier, chain, refresh);
    $(game === 'dice' ? 'leave-dice' : 'leave-raid').onclick = () => {
      view.close();
      chain.forget();
      void room.leave();
      show(game, false);
      lobby.show();
    };
  };
  const lobby = new Lobby({
    create: (game) => enter(game, () => client.create(game)),
    join: (game, roomId) => enter(game, () => client.joinById(roomId), roomId),
  });
  lobby.show();
}

const TOKEN_NAMES = new Map<number, string>(LOOT_TABLE.map((l) => [l.tokenId, l.tokenId === 1 ? 'coins' : l.item]));

let inventoryTimer: ReturnType<typeof setTimeout> | undefined;

/** Shows the player's tokens and awards; while some are pending, looks again every second. */
async function inventory(address: string): Promise<void> {
  clearTimeout(inventoryTimer);
  const { awards, balances } = await getJson<{ awards: AwardView[]; balances: Record<string, string> | null }>(`/players/${address}/awards`);
  $('token-balances').textContent = balances
    ? Object.entries(balances).map(([id, n]) => `${TOKEN_NAMES.get(Number(id)) ?? `token ${id}`}: ${n}`).join(', ')
    : 'the chain does not answer';
  $('awards').querySelector('tbody')!.replaceChildren(
    ...awards.map((a) => {
      const tr = document.createElement('tr');
      tr.dataset['status'] = a.status;
      const status = a.status === 'minted' ? `minted in ${a.txHash}` : a.status === 'capped' ? `capped until ${a.until}` : `pending${a.note ? `: ${a.note}` : ''}`;
      tr.append(
        ...[`${a.amount} ${TOKEN_NAMES.get(a.tokenId) ?? `of token ${a.tokenId}`}`, status, `room ${a.source.roomId}, draw ${a.source.drawSeq}`].map((t) => Object.assign(document.createElement('td'), { textContent: t })),
      );
      return tr;
    }),
  );
  if (awards.some((a) => a.status === 'pending')) inventoryTimer = setTimeout(() => void inventory(address), 1000);
}

main().catch((e: Error) => {
  document.body.prepend(Object.assign(document.createElement('div'), { className: 'banner fail', textContent: `Fairplay could not start: ${e.message}` }));
});
