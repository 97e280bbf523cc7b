import { Agent, request, type IncomingMessage } from 'node:http';

/**
 * SSE streams read the way a client reads them: one 'data' callback per
 * socket read. Counting complete events per read shows whether a proxy
 * forwards each upstream event at once (one event per read, as they leave
 * the fake every few ms) or holds and batches them.
 */
export interface StreamSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
  agent: Agent;
  timeoutMs: number;
}

export interface StreamProbe {
  status: number;
  /** From sending the request to the first body byte, ms. */
  ttfbMs: number;
  /** From sending the request to the end of the body, ms. */
  totalMs: number;
  /** Complete `data:` events received. */
  events: number;
  reads: number;
  maxEventsPerRead: number;
  /** Reads that carried more than one event: the events were held somewhere (or the reader was late). */
  multiEventReads: number;
  /** ms between the first and the last event's arrival. */
  spreadMs: number;
}

/** Counts complete SSE events as they finish, whatever the line endings (\n or \r\n). */
class EventCounter {
  private pending = '';
  count = 0;

  /** Returns how many events this chunk completed. */
  push(text: string): number {
    this.pending += text;
    const parts = this.pending.split(/\r?\n\r?\n/);
    this.pending = parts.pop() ?? '';
    const done = parts.filter((part) => /^data:/m.test(part)).length;
    this.count += done;
    return done;
  }
}

export function probeStream(spec: StreamSpec): Promise<StreamProbe> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    let ttfbMs = Number.NaN;
    let firstEventAt = Number.NaN;
    let lastEventAt = Number.NaN;
    let reads = 0;
    let maxEventsPerRead = 0;
    let multiEventReads = 0;
    const counter = new EventCounter();
    const req = request(
      spec.url,
      { method: 'POST', agent: spec.agent, headers: { 'content-type': 'application/json', ...spec.headers }, timeout: spec.timeoutMs },
      (res: IncomingMessage) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const now = performance.now();
          if (reads === 0) ttfbMs = now - startedAt;
          reads++;
          const done = counter.push(chunk);
          if (done > 0) {
            if (Number.isNaN(firstEventAt)) firstEventAt = now;
            lastEventAt = now;
          }
          maxEventsPerRead = Math.max(maxEventsPerRead, done);
          if (done > 1) multiEventReads++;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ttfbMs,
            totalMs: performance.now() - startedAt,
            events: counter.count,
            reads,
            maxEventsPerRead,
            multiEventReads,
            spreadMs: lastEventAt - firstEventAt,
          }),
        );
        res.on('error', reject);
      },
    );
    // `timeout` is socket idleness; this bounds the whole stream too.
    const guard = setTimeout(() => req.destroy(new Error(`stream not finished within ${spec.timeoutMs} ms`)), spec.timeoutMs);
    req.on('close', () => clearTimeout(guard));
    req.on('timeout', () => req.destroy(new Error('stream idle timeout')));
    req.on('error', reject);
    req.end(spec.body);
  });
}

export interface HoldResult {
  opened: number;
  /** Most streams open at one time (first event received, end not yet). */
  maxConcurrent: number;
  /** Completed streams that got every event they were promised. */
  complete: number;
  failed: number;
  /** Per stream: from sending the request to its first event, ms. */
  firstEventMs: number[];
}

/**
 * Opens `count` long streams (ramped in batches of 50 every 50 ms, so the
 * listen backlog is not what gets measured), keeps them open until they end
 * or `maxMs` passes, and calls `onTick` every `tickMs` meanwhile (the caller
 * samples RSS and event-loop lag).
 */
export async function holdStreams(options: {
  url: string;
  headers: Record<string, string>;
  body: string;
  count: number;
  expectedEvents: number;
  maxMs: number;
  tickMs: number;
  onTick: () => Promise<void>;
}): Promise<HoldResult> {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  let live = 0;
  let maxConcurrent = 0;
  let complete = 0;
  let failed = 0;
  const firstEventMs: number[] = [];
  const requests: Array<ReturnType<typeof request>> = [];
  const finished: Array<Promise<void>> = [];
  const open = () =>
    new Promise<void>((resolve) => {
      const counter = new EventCounter();
      const sentAt = performance.now();
      let sawFirst = false;
      const req = request(options.url, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...options.headers } }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          counter.push(chunk);
          if (!sawFirst && counter.count > 0) {
            sawFirst = true;
            firstEventMs.push(performance.now() - sentAt);
            maxConcurrent = Math.max(maxConcurrent, ++live);
          }
        });
        res.on('end', () => {
          if (sawFirst) live--;
          if (res.statusCode === 200 && counter.count === options.expectedEvents) complete++;
          resolve();
        });
        res.on('error', () => {
          failed++;
          resolve();
        });
      });
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(options.body);
      requests.push(req);
    });
  const startedAt = performance.now();
  let ticking = true;
  const ticker = (async () => {
    while (ticking) {
      await options.onTick();
      await new Promise((resolve) => setTimeout(resolve, options.tickMs));
    }
  })();
  const BATCH = 50;
  for (let i = 0; i < options.count; i += BATCH) {
    for (let j = i; j < Math.min(options.count, i + BATCH); j++) finished.push(open());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const remaining = Math.max(0, options.maxMs - (performance.now() - startedAt));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, remaining)));
  await Promise.race([Promise.all(finished), deadline]);
  clearTimeout(timer);
  ticking = false;
  await ticker;
  for (const req of requests) req.destroy();
  agent.destroy();
  return { opened: requests.length, maxConcurrent, complete, failed, firstEventMs };
}
