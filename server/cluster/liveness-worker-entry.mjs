// Worker entry in plain JavaScript: worker threads do not inherit tsx's hooks on Node 20, so the
// TypeScript worker is loaded through tsx's API from here. The thread is named once that is done:
// a thread takes its creator's name, and loading starts a loader-hooks thread of its own.
import { tsImport } from 'tsx/esm/api';
import { nameThisThread } from '../thread-name.mjs';

await tsImport('./liveness-worker.ts', import.meta.url);
nameThisThread('fp-liveness');
