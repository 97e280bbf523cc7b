import { startFakeGemini } from '../src/fake/fakeGemini.js';
import { serveParent } from './childStats.js';

/**
 * The fake Gemini upstream in its own process, so it neither competes with
 * the load generator's event loop nor counts in its CPU. Forked by servers.ts.
 */
const fake = await startFakeGemini({ port: 0 });
// The fake records every request for the tests; a bench sends hundreds of
// thousands, so forget them every second to keep its heap (and GC) flat.
setInterval(() => fake.reset(), 1_000).unref();
serveParent(fake.port);
