/**
 * The test switch `FAIRPLAY_TEST_WITHHOLD`: the server plays an operator who voids draws after
 * their player revealed, so that a test can show what the reveal court does to that operator.
 * - `void-revealed`: its court watcher answers nothing either: a claim pays the receipt's maxPayout.
 * - `void-revealed-answered`: its court watcher answers honestly: the answer pays what the draw's
 *   outcome owes, and settles the voided draw's chips as the outcome would have.
 * Honoured only with NODE_ENV=test: any other server refuses to start with it set.
 * @module
 */
const VALUES = ['void-revealed', 'void-revealed-answered'] as const;
export type TestWithhold = (typeof VALUES)[number];

const isTestWithhold = (v: string): v is TestWithhold => (VALUES as readonly string[]).includes(v);

/** The switch's value; throws (the server does not start) when it is set outside tests or to anything else. */
export function readTestWithhold(env: NodeJS.ProcessEnv = process.env): TestWithhold | undefined {
  const value = env.FAIRPLAY_TEST_WITHHOLD;
  if (value === undefined || value === '') return undefined;
  if (env.NODE_ENV !== 'test')
    throw new Error(`FAIRPLAY_TEST_WITHHOLD is a test switch that makes the server cheat: it is honoured only with NODE_ENV=test (NODE_ENV is ${env.NODE_ENV ?? 'unset'}); unset it`);
  if (!isTestWithhold(value)) throw new Error(`FAIRPLAY_TEST_WITHHOLD=${value}: the values are ${VALUES.join(' and ')}`);
  return value;
}

let cached: boolean | undefined;
/** Whether rooms void revealed draws, under either value (read once; the server's start has already refused a bad value). */
export function voidsRevealedDraws(): boolean {
  cached ??= readTestWithhold() !== undefined;
  return cached;
}
