/**
 * Entry point of `npm run bench`: runs the benchmark sections in order, prints each one's table,
 * and exits with code 1 when any target is missed.
 *
 *   npx tsx test/bench/run.ts                 # every section
 *   npx tsx test/bench/run.ts --only vrf      # some sections (comma-separated or repeated)
 *   npx tsx test/bench/run.ts --samples 7 --min-ms 600
 *   npx tsx test/bench/run.ts --list
 *
 * To add a benchmark (server, minting, ...), append a section to SECTIONS.
 * @module
 */
import os from 'node:os';
import type { MeasureOptions } from './harness.ts';
import { benchAwards } from './awards.bench.ts';
import { benchBrowser } from './browser.bench.ts';
import { benchPaint } from './paint.bench.ts';
import { benchSoak } from './soak.bench.ts';
import { benchCpu } from './cpu.bench.ts';
import { benchHostile } from './hostile.bench.ts';
import { benchReceipts } from './receipts.bench.ts';
import { benchVrf, type Target } from './vrf.bench.ts';
import { benchVrfChain } from './vrf-chain.bench.ts';

interface SectionResult {
  /** Printable table (or any text) of the section's measurements. */
  table: string;
  /** Ratios with a minimum; a missed one makes the run fail. */
  targets: Target[];
}

/** What earlier sections measured, for later ones that compare against it. */
interface RunContext {
  /** Prove ops/s of the default suite (ECVRF-EDWARDS25519-SHA512-TAI) on one core. */
  proveOpsPerSec?: number;
}

interface Section {
  name: string;
  title: string;
  /** Runs only when named with --only (long runs). */
  onRequest?: boolean;
  run(opts: MeasureOptions, context: RunContext): Promise<SectionResult>;
}

const SECTIONS: readonly Section[] = [
  {
    name: 'vrf',
    title: 'VRF prove/verify vs @noble/curves signatures (ops/s: median sample; ratio: median of per-round ratios)',
    run: async (opts, context) => {
      const result = await benchVrf(opts);
      context.proveOpsPerSec = result.rows.find((r) => r.suite === 'ECVRF-EDWARDS25519-SHA512-TAI' && r.op === 'prove')?.opsPerSec;
      return result;
    },
  },
  {
    name: 'receipts',
    title: 'secp256k1 per draw on the server: receipt signing (ethers SigningKey vs tiny-secp256k1 WASM) and player-signature recovery (noble vs WASM)',
    run: (opts) => benchReceipts(opts),
  },
  {
    name: 'cpu',
    title: 'CPU per draw by thread on one server process under the dice mix, in ms and ed25519.sign-equivalents; main-thread breakdown; idle room cost',
    run: () => benchCpu(),
  },
  {
    name: 'awards',
    title: 'awards minted on the embedded node: end to end (outbox write to confirmed), and gas per award by batch size',
    run: () => benchAwards(),
  },
  {
    name: 'vrf-chain',
    title: 'gas of an ECVRF-SECP256K1-SHA256-TAI proof checked on chain (VrfSecp256k1 fastVerify over random proofs, full verify once), as ratios to a one-award mintAwards in the same run',
    run: () => benchVrfChain(),
  },
  {
    name: 'browser',
    title: 'transcript verification in headless Chromium (/verify) next to Node, same code, same transcript',
    run: () => benchBrowser(),
  },
  {
    name: 'paint',
    title: 'first contentful paint and time to interactive of / and /verify in headless Chromium (printed, no target)',
    run: () => benchPaint(),
  },
  {
    name: 'soak',
    title: '10-minute soak: 300 players, server memory and open handles flat after warm-up (only with --only soak)',
    onRequest: true,
    run: () => benchSoak(),
  },
  {
    name: 'hostile',
    title: 'an honest player idle and under each hostile load (30 MB transcript downloads, sign-in and nonce floods, stalled readers) on a cluster-mode server; its liveness throughout (only with --only hostile)',
    onRequest: true,
    run: () => benchHostile(),
  },
];

/** Old section names, still accepted by --only. */
const SECTION_ALIASES: Readonly<Record<string, string>> = { dice: 'cpu' };

interface Args {
  only: string[] | null;
  list: boolean;
  measure: MeasureOptions;
}

function usage(message: string): never {
  console.error(`${message}\nusage: run.ts [--only name[,name]] [--samples n] [--min-ms ms] [--list]`);
  process.exit(2); // a bad command line: exit code 2, as usage errors do
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { only: null, list: false, measure: {} };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.indexOf('=');
    const flag = eq >= 0 ? raw.slice(0, eq) : raw;
    const value = (): string => {
      const v = eq >= 0 ? raw.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') usage(`${flag} needs a value`);
      return v;
    };
    const positive = (): number => {
      const n = Number(value());
      if (!(n > 0) || !Number.isFinite(n)) usage(`${flag} needs a positive number`);
      return n;
    };
    switch (flag) {
      case '--only':
        args.only = [...(args.only ?? []), ...value().split(',').filter(Boolean)];
        break;
      case '--samples':
        args.measure.samples = Math.round(positive());
        break;
      case '--min-ms':
        args.measure.minMs = positive();
        break;
      case '--list':
        args.list = true;
        break;
      case '--help':
      case '-h':
        usage('');
        break;
      default:
        usage(`unknown argument ${raw}`);
    }
  }
  return args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.list) {
    for (const s of SECTIONS) console.log(`${s.name.padEnd(10)} ${s.title}`);
    return 0;
  }
  // `dice` was the section `cpu` replaced: the old name still selects it.
  if (args.only) args.only = args.only.map((n) => SECTION_ALIASES[n] ?? n);
  const unknown = (args.only ?? []).filter((n) => !SECTIONS.some((s) => s.name === n));
  if (unknown.length > 0)
    usage(`unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.name).join(', ')}`);
  const selected = args.only ? SECTIONS.filter((s) => args.only!.includes(s.name)) : SECTIONS.filter((s) => !s.onRequest);

  const cpus = os.cpus();
  console.log(
    `bench: node ${process.version}, ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown cpu'}), ` +
      `${process.platform}-${process.arch}`,
  );

  const missed: Target[] = [];
  const context: RunContext = {};
  for (const section of selected) {
    const started = Date.now();
    console.log(`\n== ${section.name}: ${section.title}`);
    const result = await section.run(args.measure, context);
    console.log(result.table);
    console.log(`(${section.name}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    missed.push(...result.targets.filter((t) => !t.met));
  }

  if (missed.length > 0) {
    console.log(`\n${missed.length} target(s) missed:`);
    for (const t of missed) console.log(`  ${t.name}: measured ${t.ratio.toFixed(3)}, target ${t.target.toFixed(2)}`);
    return 1;
  }
  console.log('\nall targets met');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
