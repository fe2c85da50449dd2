/**
 * The "CPU per draw by thread" table of issue 18, shared by the bench's `cpu` section and the
 * load tool: rows main (with optional sub-rows), provers, other threads, chain node, total;
 * columns ms per draw and, when a signature's time is known, signature-equivalents (ms per draw
 * divided by the ms of one ed25519.sign measured in the same run).
 * @module
 */
import { formatTable } from './harness.ts';
import { CPU_CLASSES, totalMs, type CpuByClass, type CpuClass } from './thread-cpu.ts';

export const CLASS_LABELS: Record<CpuClass, string> = {
  main: 'main thread',
  provers: 'provers',
  other: 'other threads (libuv and V8 helpers)',
  chain: 'chain node (descendant processes)',
};

export interface CpuPerDraw {
  readonly byClass: CpuByClass;
  readonly total: number;
}

export function perDraw(ms: CpuByClass, draws: number): CpuPerDraw {
  const byClass = { ...ms };
  for (const c of CPU_CLASSES) byClass[c] = draws > 0 ? ms[c] / draws : Number.NaN;
  return { byClass, total: draws > 0 ? totalMs(ms) / draws : Number.NaN };
}

/** `mainParts`: sub-rows of main (label, ms per draw), printed under it indented. */
export function cpuTable(cost: CpuPerDraw, signMs?: number, mainParts: readonly (readonly [string, number])[] = []): string {
  const row = (label: string, ms: number): string[] => [label, ms.toFixed(2), ...(signMs ? [(ms / signMs).toFixed(2)] : [])];
  const rows = [row(CLASS_LABELS.main, cost.byClass.main), ...mainParts.map(([label, ms]) => row(`  - ${label}`, ms))];
  for (const c of CPU_CLASSES.slice(1)) rows.push(row(CLASS_LABELS[c], cost.byClass[c]));
  rows.push(row('total', cost.total));
  return formatTable([{ header: 'where' }, { header: 'ms per draw', align: 'right' }, ...(signMs ? [{ header: 'signature-equivalents', align: 'right' as const }] : [])], rows);
}
