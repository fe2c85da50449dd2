/**
 * The load tool's command line: its flags, their bounds, and `--help`.
 * @module
 */
import { economyServerEnv } from './economy-bots.ts';
import { SERVER_ENV_FOR_LOAD } from './servers.ts';

export interface LoadArgs {
  players: number;
  seconds: number;
  raidShare: number;
  processes: number;
  database: 'sqlite' | 'postgres';
  prefillRecords: number;
  economy: boolean;
  economyScreenshot?: string;
  /** A server already running: no server is started. */
  url?: string;
  /** The process of `url`, for CPU figures; else looked up by the port. */
  pid?: number;
  capacity: boolean;
  /** Capacity mode: players at the first step, and seconds each step lasts. */
  startPlayers: number;
  stepSeconds: number;
  help: boolean;
}

const env = (vars: Readonly<Record<string, string>>) =>
  Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

export function usage(): string {
  return `npm run load -- [flags]: bot players sign in and play dice and treasure raid against a Fairplay server.

  --players N            players in all (1 to 2,000; default 200)
  --seconds S            length of the run after every player joined (5 to 600; default 30)
  --raid-share F         share of players in raid rooms of 8, the rest play dice alone (0 to 1; default 0.5)
  --processes 1|2        servers this tool starts: 2 share a Redis and an anvil of its own (default 1)
  --database sqlite|postgres   the started servers' database (default sqlite; postgres: a PostgreSQL of its own)
  --prefill RECORDS      transcript records put in the database before the server starts (one process only)
  --economy              half the dice bots cash out, a quarter also deposit coins back; prints GET /economy at the end
  --keep-economy-screenshot PATH   with --economy: a full-page picture of /economy saved to PATH (.png)
  --url URL              play against this running server; nothing is started (not with --processes, --database, --prefill)
  --pid PID              with --url: the server's process id, for CPU by thread; by default, when the URL's
                         host is this machine (localhost, 127.0.0.0/8, ::1), the process listening on its
                         port, found through /proc (said when not found); any other host needs --pid
  --capacity             capacity mode: players step up x1.5 from --start-players, each step --step-seconds long,
                         until reveal-to-outcome p99 >= 100 ms or errors; prints each step and the largest count under 100 ms
  --start-players N      capacity mode: players at the first step (default 20)
  --step-seconds S       capacity mode: seconds per step (5 to 120; default 20)
  --help                 this text

The dice bots bet once a second at chances of 10% to 90% and stakes of 1 to 3 times a base stake,
so that wins pay more than the stake; every second dice bot cashes out what became withdrawable,
so that coins are minted. Reveal-to-outcome latency is measured on dice and raid draws; patch
latency on raid rooms only (their server clock). At the end: draws/s, latencies, errors, and when
the server's process is known, its CPU by thread per draw (main, provers, other threads, chain node).

A server started by this tool runs with these settings (so must one given with --url, for the same mix):
  ${env(SERVER_ENV_FOR_LOAD)}
  ${env(economyServerEnv(30))}
The second line is the easier bonus terms that let bots cash out within a run (ECONOMY_SAMPLE_SECONDS
and AWARD_EPOCH_SECONDS follow the run's length: these are for --seconds 30). Without them (the
defaults: a 30x wagering requirement) no cash-out is possible in a run, and the output says so.
The rate limits matter most: every bot connects from 127.0.0.1.

  npm run load -- --players 500 --seconds 30
  npm run load -- --capacity --start-players 40
  env <the two lines above> DATA_DIR=$(mktemp -d) HOST=127.0.0.1 PORT=2567 npm start &
  npm run load -- --url http://localhost:2567 --capacity`;
}

function fail(message: string): never {
  throw new Error(`${message}\n(npm run load -- --help lists every flag)`);
}

export function parseLoadArgs(argv: readonly string[]): LoadArgs {
  const args: LoadArgs = { players: 200, seconds: 30, raidShare: 0.5, processes: 1, database: 'sqlite', prefillRecords: 0, economy: false, capacity: false, startPlayers: 20, stepSeconds: 20, help: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const text = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) fail(`${flag} needs a value`);
      return v;
    };
    const number = (): number => {
      const v = Number(text());
      if (!Number.isFinite(v)) fail(`${flag} needs a number`);
      return v;
    };
    if (flag === '--help' || flag === '-h') args.help = true;
    else if (flag === '--economy') args.economy = true;
    else if (flag === '--capacity') args.capacity = true;
    else if (flag === '--keep-economy-screenshot') [args.economy, args.economyScreenshot] = [true, text()];
    else if (flag === '--database') {
      const name = text();
      if (name !== 'sqlite' && name !== 'postgres') fail('--database is sqlite or postgres');
      args.database = name;
    } else if (flag === '--url') {
      const url = text();
      // Credentials in the URL would be printed with it (the target's description, errors): refused, and never echoed.
      const shown = url.replace(/\/\/[^/@]*@/, '//…@');
      if (!/^https?:\/\/[^/]+/.test(url) || !URL.canParse(url)) fail(`--url needs an http(s) URL, such as http://localhost:2567 (got ${shown})`);
      const parsed = new URL(url);
      if (parsed.username || parsed.password) fail(`--url must not carry a user name or password (got ${shown}); the load tool signs in on its own`);
      args.url = url.replace(/\/+$/, '');
    } else if (flag === '--pid') {
      const pid = number();
      if (!Number.isInteger(pid) || pid <= 0) fail('--pid needs a process id');
      args.pid = pid;
    } else if (flag === '--players') args.players = Math.min(2000, Math.max(1, Math.round(number())));
    else if (flag === '--seconds') args.seconds = Math.min(600, Math.max(5, number()));
    else if (flag === '--raid-share') args.raidShare = Math.min(1, Math.max(0, number()));
    else if (flag === '--processes') args.processes = Math.min(2, Math.max(1, Math.round(number())));
    else if (flag === '--prefill') args.prefillRecords = Math.min(10_000_000, Math.max(0, Math.round(number())));
    else if (flag === '--start-players') args.startPlayers = Math.min(2000, Math.max(1, Math.round(number())));
    else if (flag === '--step-seconds') args.stepSeconds = Math.min(120, Math.max(5, number()));
    else fail(`unknown argument ${flag}`);
  }
  if (args.url && (args.processes > 1 || args.database !== 'sqlite' || args.prefillRecords > 0)) fail('--url plays against a running server: --processes, --database and --prefill are for servers this tool starts');
  if (args.pid !== undefined && !args.url) fail('--pid goes with --url (a server this tool starts has its pid known)');
  return args;
}
