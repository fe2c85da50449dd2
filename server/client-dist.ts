/** Where the built browser client is (`npm run build`, or `npm start` when its sources are newer). */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLIENT_DIST = join(fileURLToPath(new URL('../', import.meta.url)), 'dist', 'client');
