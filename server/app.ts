import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { systemClock, type Clock } from '../src/common/time';
import { describeIssues, refusesIndividualNumber } from '../src/privacy/schema';
import { enrollRequestSchema, feedQuerySchema, LIMITS, PROTOCOL_VERSION, uploadRequestSchema } from '../src/sync/protocol';
import { checkAuditHeads } from './audit-heads';
import { reconcileRequestSchema } from '../src/sync/reconcile-protocol';
import type { CentralDb } from './db';
import { DeviceLookup } from './device-lookup';
import { FeedMarks, rewoundFrom, rewoundPageJson } from './feed-marks';
import { authenticate, enroll, type DeviceRow } from './enrollment';
import { readPage } from './feed';
import { GZIP_FROM_BYTES, gzipAsync } from './feed-answers';
import type { FeedWatch } from './feed-watch';
import { openApiDocument } from './openapi';
import { Problem, problems } from './problems';
import { reconcile } from './reconcile';
import { storeRecords } from './records';
import { ServerBusy, UploadGate } from './upload-gate';

declare module 'fastify' {
  interface FastifyRequest {
    device: DeviceRow | null;
  }
}

export interface CentralAppOptions {
  readonly db: CentralDb;
  readonly watch: FeedWatch;
  /** Back-pressure for uploads (upload-gate.ts); one per process. */
  readonly uploads?: UploadGate;
  readonly clock?: Clock;
  /** Certificate and key (PEM): the app speaks HTTPS. */
  readonly https?: { readonly cert: string | Buffer; readonly key: string | Buffer } | null;
  /** One line per request: method, path (no query), status, time. Never bodies: they hold personal data. */
  readonly log?: (line: string) => void;
}

/** Paths and zod's words only, never the submitted values; an individual number is refused as such. */
function invalid(error: z.ZodError): Problem {
  const issues = describeIssues(error, '(body)');
  return refusesIndividualNumber(error) ? problems.individualNumber(issues) : problems.invalid(issues);
}

/** Fastify's own 4xx errors (before a handler runs), in our shape. */
function fromFastify(error: FastifyError, bodyLimit: number): Problem {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problems.tooLarge(bodyLimit);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problems.emptyBody();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problems.mediaType();
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problems.malformedJson();
    default:
      if (error instanceof SyntaxError || /JSON/i.test(error.message)) return problems.malformedJson();
      return new Problem(error.statusCode ?? 400, error.code ?? 'BAD_REQUEST', 'The request could not be read.', 'リクエストを読み取れません。');
  }
}

/**
 * The HTTP face of the central service. Every device call is authenticated
 * before its body is even read; every refusal is a 4xx with
 * { error: { code, message: { ja, en }, ...details } } and writes nothing.
 */
export function buildCentralApp(options: CentralAppOptions): FastifyInstance {
  const { db, watch } = options;
  const uploads = options.uploads ?? new UploadGate();
  const clock = options.clock ?? systemClock;
  // A request may take at most the longest long-poll plus a margin: a client that trickles its request is cut off.
  const common = {
    bodyLimit: LIMITS.defaultBodyBytes,
    logger: false,
    forceCloseConnections: true,
    return503OnClosing: true,
    requestTimeout: (LIMITS.longPollMaxSeconds + 30) * 1000,
  } as const;
  // Both kinds of instance answer the same routes; the HTTPS one only differs in its server.
  const app: FastifyInstance = options.https
    ? (Fastify({ ...common, https: { cert: options.https.cert, key: options.https.key } }) as unknown as FastifyInstance)
    : Fastify(common);
  app.decorateRequest('device', null);
  // JSON only: any other body is 415 before a handler sees it.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((error: FastifyError | Problem, request, reply) => {
    let problem: Problem;
    if (error instanceof Problem) problem = error;
    else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      problem = fromFastify(error, request.routeOptions.bodyLimit ?? LIMITS.defaultBodyBytes);
    }
    else {
      options.log?.(`internal error: ${error instanceof Error ? error.message : String(error)}`);
      problem = problems.internal();
    }
    void reply.code(problem.status).type('application/json').send(problem.body());
  });
  app.setNotFoundHandler((_request, reply) => {
    const problem = problems.notFound();
    void reply.code(problem.status).send(problem.body());
  });
  if (options.log) {
    const log = options.log;
    app.addHook('onResponse', (request, reply, done) => {
      log(`${request.method} ${request.url.split('?')[0]} ${reply.statusCode} ${reply.elapsedTime.toFixed(0)}ms`);
      done();
    });
  }

  // Requests arriving together share one lookup of their devices (device-lookup.ts).
  const devices = new DeviceLookup(db);
  // The cursors handed to devices, written for many answers at once (feed-marks.ts); read with the device.
  const marks = new FeedMarks(db);
  const deviceOnly = async (request: FastifyRequest) => {
    request.device = await authenticate(db, request.headers.authorization, clock.now(), devices);
  };
  const deviceOf = (request: FastifyRequest): DeviceRow => {
    if (!request.device) throw problems.missingCredential();
    return request.device;
  };

  const document = openApiDocument();
  app.get('/healthz', async () => ({ ok: true, protocol: PROTOCOL_VERSION, database: db.kind }));
  app.get('/openapi.json', async () => document);

  app.post('/v1/enroll', { bodyLimit: LIMITS.enrollBodyBytes }, async (request) => {
    const parsed = enrollRequestSchema.safeParse(request.body);
    if (!parsed.success) throw invalid(parsed.error);
    return enroll(db, parsed.data, clock.now());
  });

  app.get('/v1/feed', { onRequest: deviceOnly }, async (request, reply: FastifyReply) => {
    const parsed = feedQuerySchema.safeParse(request.query);
    if (!parsed.success) throw invalid(parsed.error);
    const query = parsed.data;
    const device = deviceOf(request);
    // A cursor this database never handed out: it was restored from an older copy (feed-marks.ts, reconcile.ts).
    const served = rewoundFrom(device, query.after);
    if (served !== null) return reply.type('application/json').send(rewoundPageJson(query.after, served));
    const pageRequest = { municipality: device.municipality, venueId: device.venue_id, after: query.after, limit: query.limit, count: query.count === '1' };
    if (query.wait === 0) {
      // Read for this device alone: it carries the head held of its audit chain too.
      const page = await readPage(db, { ...pageRequest, deviceId: device.id });
      await marks.note(device.id, page.next);
      return reply.type('application/json').send(page.json);
    }
    // A long-poll: answered from the municipality's shared read when its feed moves (feed-watch.ts).
    // Gzipped for a device that accepts it: every desk of a municipality receives every change of its people.
    const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    const gone = new AbortController();
    reply.raw.once('close', () => gone.abort());
    const answer = await watch.poll({ ...pageRequest, gzip, deviceId: device.id, waitMs: query.wait * 1000, signal: gone.signal });
    if (answer === 'revoked') throw problems.revoked();
    if (answer === null) return reply;
    // The cursor is on record before the page leaves.
    await marks.note(device.id, answer.next);
    let body = answer.json;
    let gzipped = answer.gzip ?? false;
    if (gzip && !gzipped && Buffer.byteLength(body) >= GZIP_FROM_BYTES) {
      body = await gzipAsync(body, { level: 1 });
      gzipped = true;
    }
    if (gzipped) void reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding');
    return reply.type('application/json').send(body);
  });

  app.post('/v1/records', { bodyLimit: LIMITS.uploadBodyBytes, onRequest: deviceOnly }, async (request, reply: FastifyReply) => {
    const parsed = uploadRequestSchema.safeParse(request.body);
    if (!parsed.success) throw invalid(parsed.error);
    const device = deviceOf(request);
    let results;
    try {
      results = await uploads.run(() => storeRecords(db, device, parsed.data.records, clock.now()));
    } catch (error) {
      if (!(error instanceof ServerBusy)) throw error;
      // Back-pressure: devices wait Retry-After seconds (with jitter) and send again; nothing was stored.
      const problem = problems.busy(error.retryAfterSeconds);
      return reply.code(problem.status).header('retry-after', String(error.retryAfterSeconds)).type('application/json').send(problem.body());
    }
    // A head that cannot follow the ones held: the device's audit log was cut or rewritten. Kept, and said here.
    for (const m of await checkAuditHeads(db, device, parsed.data.records, results, clock.now())) {
      options.log?.(`audit chain of device ${m.deviceId} (${device.venue_id}/${device.desk_id}) ${m.kind}: the central service holds #${m.heldSeq}, the device sent #${m.sentSeq}`);
    }
    return { results };
  });

  app.post('/v1/reconcile', { bodyLimit: 256 * 1024, onRequest: deviceOnly }, async (request) => {
    const parsed = reconcileRequestSchema.safeParse(request.body);
    if (!parsed.success) throw invalid(parsed.error);
    return reconcile(db, deviceOf(request), parsed.data);
  });

  return app;
}
