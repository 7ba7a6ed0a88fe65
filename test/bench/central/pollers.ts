/**
 * Simulated desks long-polling the central service, in a process of their
 * own (bundled and started by the central bench). Each does what a device's
 * sync service does when caught up: GET /v1/feed?after=<cursor>&wait=20
 * (accepting gzip), and again at once with the new cursor. The page is
 * unpacked but never decoded or parsed: the cursor is read from its first
 * bytes and the tracked doses (ids ending in 0, one in sixteen) are found
 * in the bytes, so the desks cost little CPU. When a tracked dose first
 * arrives at a desk, the time is kept (ms since the epoch, the clock the
 * uploaders use); a second arrival counts as a duplicate.
 */
import http from 'node:http';
import { gunzipSync } from 'node:zlib';

interface Desk {
  readonly url: string;
  readonly authorization: string;
  cursor: number;
}

interface Start {
  readonly type: 'start';
  readonly desks: readonly Desk[];
  readonly waitSeconds: number;
}

const now = () => performance.timeOrigin + performance.now();
const NEXT = /^\{"after":-?\d+,"next":(\d+)/;
const DOSE = Buffer.from('"kind":"dose","key":"');
const EMPTY = Buffer.from('"changes":[]}');
const ZERO = '0'.charCodeAt(0);

/** Tracked dose ids in a page, found in the bytes (no decoding of the page: a real desk parses it on its own machine). */
function trackedDoses(body: Buffer): string[] {
  const ids: string[] = [];
  for (let at = body.indexOf(DOSE); at >= 0; at = body.indexOf(DOSE, at + DOSE.length)) {
    const start = at + DOSE.length;
    if (body[start + 35] === ZERO) ids.push(body.toString('latin1', start, start + 36));
  }
  return ids;
}

const agents = new Map<string, http.Agent>();
const agentFor = (url: string) => {
  let agent = agents.get(url);
  if (!agent) agents.set(url, (agent = new http.Agent({ keepAlive: true, maxSockets: Infinity })));
  return agent;
};

let stopping = false;
const counts = { polls: 0, errors: 0, empty: 0, gzipped: 0, statuses: {} as Record<string, number>, duplicates: 0 };
/** Per desk: tracked dose id → first arrival. */
let seen: Map<string, number>[] = [];

function get(desk: Desk, waitSeconds: number): Promise<{ status: number; body: Buffer }> {
  const target = new URL(`/v1/feed?after=${desk.cursor}&limit=5000&wait=${waitSeconds}`, desk.url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, agent: agentFor(desk.url),
        // As the device's transport asks: large long-poll answers come gzipped.
        headers: { authorization: desk.authorization, 'accept-encoding': 'gzip' },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        const done = (body: Buffer) => resolve({ status: response.statusCode ?? 0, body });
        response.on('end', () => {
          const raw = Buffer.concat(chunks);
          if (response.headers['content-encoding'] !== 'gzip') return done(raw);
          counts.gzipped += 1;
          // Unpacked at once into one buffer of the size the gzip trailer gives (no chunks to gather, no trip to the thread pool): the desks' own CPU is what the service and PostgreSQL lose on this shared machine.
          try {
            done(gunzipSync(raw, { chunkSize: Math.max(64 * 1024, raw.length >= 4 ? raw.readUInt32LE(raw.length - 4) : 0) }));
          } catch (error) {
            reject(error as Error);
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.setTimeout((waitSeconds + 30) * 1000, () => request.destroy(new Error('timeout')));
    request.end();
  });
}

async function loop(desk: Desk, index: number, waitSeconds: number, started: () => void): Promise<void> {
  let first = true;
  while (!stopping) {
    const pending = get(desk, waitSeconds);
    if (first) {
      first = false;
      started();
    }
    try {
      const { status, body } = await pending;
      const at = now();
      counts.polls += 1;
      counts.statuses[status] = (counts.statuses[status] ?? 0) + 1;
      if (status !== 200) {
        await new Promise((resolve) => setTimeout(resolve, 250 + Math.random() * 250));
        continue;
      }
      const next = NEXT.exec(body.toString('latin1', 0, 80));
      if (next?.[1]) desk.cursor = Number(next[1]);
      if (body.subarray(body.length - EMPTY.length).equals(EMPTY)) counts.empty += 1;
      const mine = seen[index] as Map<string, number>;
      for (const id of trackedDoses(body)) {
        if (mine.has(id)) counts.duplicates += 1;
        else mine.set(id, at);
      }
    } catch {
      counts.errors += 1;
      if (!stopping) await new Promise((resolve) => setTimeout(resolve, 250 + Math.random() * 250));
    }
  }
}

process.on('message', (message: Start | { type: 'count' } | { type: 'report' } | { type: 'stop' }) => {
  switch (message.type) {
    case 'start': {
      seen = message.desks.map(() => new Map());
      let waiting = message.desks.length;
      const started = () => {
        waiting -= 1;
        if (waiting === 0) process.send?.({ type: 'started' });
      };
      message.desks.forEach((desk, i) => void loop({ ...desk }, i, message.waitSeconds, started));
      break;
    }
    case 'count':
      process.send?.({ type: 'count', seen: seen.reduce((n, m) => n + m.size, 0), polls: counts.polls });
      break;
    case 'report':
      process.send?.({ type: 'report', counts, seen: seen.map((m) => [...m.entries()]) });
      break;
    case 'stop':
      stopping = true;
      for (const agent of agents.values()) agent.destroy();
      process.send?.({ type: 'stopped' }, () => process.exit(0));
      break;
  }
});
