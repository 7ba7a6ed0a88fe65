import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP proxy between a device and the central service that misbehaves on
 * purpose: it drops requests (reset or never answered), delays them,
 * forwards them twice (the copy late, so it overtakes later ones), holds one
 * back so the next overtakes it, drops answers after the server has acted,
 * delays answers, and answers with an earlier answer to an earlier request.
 * Faults come from a seeded random source, so a failing schedule can be replayed.
 */
export const FAULTS = ['drop', 'blackhole', 'delay', 'duplicate', 'reorder', 'dropResponse', 'delayResponse', 'staleResponse'] as const;
export type Fault = (typeof FAULTS)[number];

export interface FaultPlan {
  readonly random: () => number;
  /** Chance that a request meets a fault at all. */
  readonly rate: number;
  /** Relative weights of the faults. */
  readonly weights: Readonly<Record<Fault, number>>;
}

interface Captured {
  readonly upstream: { host: string; port: number };
  readonly method: string;
  readonly path: string;
  readonly headers: http.OutgoingHttpHeaders;
  readonly body: Buffer;
}

interface Answer {
  readonly status: number;
  readonly headers: http.OutgoingHttpHeaders;
  readonly body: Buffer;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class FaultProxy {
  private server: http.Server | null = null;
  private plan: FaultPlan | null = null;
  private readonly sockets = new Set<Socket>();
  /** The latest answer per route, for stale answers. */
  private readonly answers = new Map<string, Answer>();
  /** A request held back until the next one has gone ahead. */
  private held: (() => void) | null = null;
  readonly counts: Record<Fault, number> = { drop: 0, blackhole: 0, delay: 0, duplicate: 0, reorder: 0, dropResponse: 0, delayResponse: 0, staleResponse: 0 };
  requests = 0;

  private readonly upstreams: readonly { host: string; port: number }[];
  private turn = 0;

  /** Several upstreams: each request goes to the next in turn, as a load balancer in front of several service processes would send it. */
  constructor(upstream: { host: string; port: number } | readonly { host: string; port: number }[]) {
    this.upstreams = 'host' in upstream ? [upstream] : upstream;
  }

  async listen(): Promise<string> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Faults from now on, by this plan. */
  break(plan: FaultPlan): void {
    this.plan = plan;
  }

  /** The network is healed: requests pass untouched from now on (those already hanging stay so until the device gives up). */
  heal(): void {
    this.plan = null;
    this.release();
  }

  get injected(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    this.heal();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private release(): void {
    const held = this.held;
    this.held = null;
    held?.();
  }

  private pick(): Fault | null {
    const plan = this.plan;
    if (!plan || plan.random() >= plan.rate) return null;
    const total = FAULTS.reduce((sum, f) => sum + plan.weights[f], 0);
    let roll = plan.random() * total;
    for (const fault of FAULTS) {
      roll -= plan.weights[fault];
      if (roll < 0) return fault;
    }
    return null;
  }

  private random(): number {
    return this.plan?.random() ?? Math.random();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const upstream = this.upstreams[this.turn++ % this.upstreams.length] as { host: string; port: number };
    const request: Captured = {
      upstream,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: { ...req.headers, host: `${upstream.host}:${upstream.port}`, connection: 'close' },
      body: Buffer.concat(chunks),
    };
    this.requests += 1;
    // Whoever was held back goes after this request has started: this one overtakes it.
    const overtaken = this.held;
    this.held = null;
    const fault = this.pick();
    if (fault) this.counts[fault] += 1;
    try {
      switch (fault) {
        case 'drop':
          req.socket.destroy();
          return;
        case 'blackhole':
          // Never answered: the device must give up by itself.
          return;
        case 'delay':
          await sleep(30 + this.random() * 400);
          break;
        case 'reorder':
          await new Promise<void>((resolve) => {
            this.held = resolve;
            setTimeout(() => {
              if (this.held === resolve) this.release();
            }, 300);
          });
          break;
        case 'duplicate': {
          // The copy goes later, possibly after requests that came after this one.
          const delay = this.random() * 600;
          setTimeout(() => void this.forward(request).catch(() => {}), delay);
          break;
        }
        default:
          break;
      }
      const answerPromise = this.forward(request);
      overtaken?.();
      const answer = await answerPromise;
      const route = `${request.method} ${request.path.split('?')[0]}`;
      const previous = this.answers.get(route);
      if (answer.status === 200) this.answers.set(route, answer);
      switch (fault) {
        case 'dropResponse':
          req.socket.destroy();
          return;
        case 'delayResponse':
          await sleep(30 + this.random() * 400);
          break;
        case 'staleResponse':
          if (previous) {
            this.reply(res, previous);
            return;
          }
          req.socket.destroy();
          return;
        default:
          break;
      }
      this.reply(res, answer);
    } catch {
      overtaken?.();
      // The server is down (killed) or went away mid-answer: the device sees the connection fail.
      req.socket.destroy();
    }
  }

  private reply(res: http.ServerResponse, answer: Answer): void {
    if (res.destroyed || res.writableEnded) return;
    const passed = Object.fromEntries(['content-encoding', 'retry-after'].flatMap((name) => (answer.headers[name] ? [[name, String(answer.headers[name])]] : [])));
    res.writeHead(answer.status, { 'content-type': String(answer.headers['content-type'] ?? 'application/json'), 'content-length': answer.body.length, ...passed });
    res.end(answer.body);
  }

  private forward(request: Captured): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const upstream = http.request(
        { host: request.upstream.host, port: request.upstream.port, method: request.method, path: request.path, headers: request.headers, agent: false },
        (response) => {
          const body: Buffer[] = [];
          response.on('data', (chunk: Buffer) => body.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(body) }));
          response.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.setTimeout(60_000, () => upstream.destroy(new Error('upstream timeout')));
      upstream.end(request.body);
    });
  }
}
