// Worker entry in plain JavaScript: worker threads do not inherit tsx's hooks on Node 20, so the
// TypeScript worker is loaded through tsx's API from here.
import { tsImport } from 'tsx/esm/api';

await tsImport('./liveness-worker.ts', import.meta.url);
