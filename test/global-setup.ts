/** Before any test: the browser client is built once, so server processes started by tests find it fresh. */
import { ensureClientBuilt } from '../server/client-build.ts';

export default async function setup(): Promise<void> {
  await ensureClientBuilt(() => undefined);
}
