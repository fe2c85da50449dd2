/**
 * Paints the raid map on its canvas from the SVG art of `art.ts`: the tiles once (floor and
 * walls do not change), then every frame the chests in their state and the players' avatars.
 * Each SVG becomes an image once; until it has loaded its piece is drawn as a plain shape, so
 * the map is never blank.
 * @module
 */
import { isWall, RAID_HEIGHT, RAID_WIDTH } from './rules.ts';
import { avatarArt, avatarLook, CHEST_ART, FLOOR_ART, WALL_ART } from './art.ts';

/** Pixels per tile on the canvas. */
export const TILE = 32;

export interface ChestOnMap {
  x: number;
  y: number;
  openedBy: string;
  opening: string;
}
export interface AvatarOnMap {
  address: string;
  x: number;
  y: number;
  mine: boolean;
}

export class MapPainter {
  readonly #images = new Map<string, HTMLImageElement>();
  /** The floor and walls, painted once every tile's art has loaded. */
  #tiles: HTMLCanvasElement | undefined;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** The loaded image of `svg` under `key`, or undefined while it loads. */
  #image(key: string, svg: string): HTMLImageElement | undefined {
    let img = this.#images.get(key);
    if (!img) {
      img = new Image();
      img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      this.#images.set(key, img);
    }
    return img.complete && img.naturalWidth > 0 ? img : undefined;
  }

  paint(chests: Iterable<ChestOnMap>, avatars: readonly AvatarOnMap[], now: number): void {
    const g = this.canvas.getContext('2d')!;
    this.#paintTiles(g);
    for (const c of chests) this.#paintChest(g, c, now);
    // The player's own avatar last, on top of anyone standing on the same spot.
    for (const a of [...avatars].sort((p, q) => Number(p.mine) - Number(q.mine))) this.#paintAvatar(g, a);
  }

  #paintTiles(g: CanvasRenderingContext2D): void {
    if (this.#tiles) return void g.drawImage(this.#tiles, 0, 0);
    const floors = FLOOR_ART.map((svg, i) => this.#image(`floor${i}`, svg));
    const wall = this.#image('wall', WALL_ART);
    const ready = wall && floors.every(Boolean);
    const target = ready ? document.createElement('canvas') : this.canvas;
    if (target !== this.canvas) Object.assign(target, { width: this.canvas.width, height: this.canvas.height });
    const t = target.getContext('2d')!;
    for (let y = 0; y < RAID_HEIGHT; y++)
      for (let x = 0; x < RAID_WIDTH; x++) {
        const art = isWall(x, y) ? wall : floors[(x + y) % 2];
        if (art) t.drawImage(art, x * TILE, y * TILE, TILE, TILE);
        else {
          t.fillStyle = isWall(x, y) ? '#4a5361' : (x + y) % 2 ? '#e9dcc0' : '#efe3c9';
          t.fillRect(x * TILE, y * TILE, TILE, TILE);
        }
      }
    if (ready) {
      this.#tiles = target;
      g.drawImage(target, 0, 0);
    }
  }

  #paintChest(g: CanvasRenderingContext2D, c: ChestOnMap, now: number): void {
    const state = c.openedBy ? 'open' : c.opening ? 'opening' : 'closed';
    const art = this.#image(`chest-${state}`, CHEST_ART[state]);
    // A chest being opened rocks on its tile until its loot is drawn.
    const shake = state === 'opening' ? Math.sin(now / 60) * 1.5 : 0;
    if (art) return g.drawImage(art, c.x * TILE + shake, c.y * TILE, TILE, TILE);
    g.fillStyle = state === 'open' ? '#8c959f' : state === 'opening' ? '#e16f24' : '#bf8700';
    g.fillRect(c.x * TILE + 6, c.y * TILE + 8, TILE - 12, TILE - 14);
  }

  #paintAvatar(g: CanvasRenderingContext2D, a: AvatarOnMap): void {
    const size = TILE * 1.4;
    const art = this.#image(`avatar-${a.address}-${a.mine}`, avatarArt(a.address, a.mine));
    if (art) return g.drawImage(art, a.x * TILE - size / 2, a.y * TILE - (size * 26) / 48, size, size);
    g.fillStyle = `hsl(${avatarLook(a.address).hue} 70% 48%)`;
    g.fillRect((a.x - 0.3) * TILE, (a.y - 0.3) * TILE, 0.6 * TILE, 0.6 * TILE);
  }
}
