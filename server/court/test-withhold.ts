/**
 * The test switch `FAIRPLAY_TEST_WITHHOLD=void-revealed`: the server plays an operator who
 * voids draws after their player revealed, and its court watcher answers nothing, so that a test
 * can show the reveal court making that operator pay. Honoured only with NODE_ENV=test: any
 * other server refuses to start with it set.
 * @module
 */
export type TestWithhold = 'void-revealed';

/** The switch's value; throws (the server does not start) when it is set outside tests or to anything else. */
export function readTestWithhold(env: NodeJS.ProcessEnv = process.env): TestWithhold | undefined {
  const value = env.FAIRPLAY_TEST_WITHHOLD;
  if (value === undefined || value === '') return undefined;
  if (env.NODE_ENV !== 'test')
    throw new Error(`FAIRPLAY_TEST_WITHHOLD is a test switch that makes the server cheat: it is honoured only with NODE_ENV=test (NODE_ENV is ${env.NODE_ENV ?? 'unset'}); unset it`);
  if (value !== 'void-revealed') throw new Error(`FAIRPLAY_TEST_WITHHOLD=${value}: the only value is void-revealed`);
  return value;
}

let cached: boolean | undefined;
/** Whether rooms void revealed draws (read once; the server's start has already refused a bad value). */
export function voidsRevealedDraws(): boolean {
  cached ??= readTestWithhold() === 'void-revealed';
  return cached;
}
