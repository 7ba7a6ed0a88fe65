/**
 * A recording proxy on loopback between the venue devices and the central
 * service: everything sent over the sync wire, both ways, kept for the
 * privacy check. Streams (the feed is a long-poll), so it changes no timing
 * that matters.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** The body as text, unpacked if it was compressed: the record must be readable. */
function asText(body: Buffer, encoding: string | string[] | undefined): string {
  switch (String(encoding ?? '').toLowerCase()) {
    case 'gzip':
      return gunzipSync(body).toString('utf8');
    case 'br':
      return brotliDecompressSync(body).toString('utf8');
    case 'deflate':
      return inflateSync(body).toString('utf8');
    default:
      return body.toString('utf8');
  }
}

export interface RecordingProxy {
  readonly url: string;
  /** Request lines, bodies and answers, as text. */
  readonly traffic: string[];
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const traffic: string[] = [];
  const server: Server = createServer((req, res) => {
    const sent: Buffer[] = [];
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        const received: Buffer[] = [];
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('data', (chunk: Buffer) => {
          received.push(chunk);
          res.write(chunk);
        });
        answer.on('end', () => {
          traffic.push(`<= ${answer.statusCode} ${req.method} ${req.url}\n${asText(Buffer.concat(received), answer.headers['content-encoding'])}`);
          res.end();
        });
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.on('data', (chunk: Buffer) => {
      sent.push(chunk);
      forward.write(chunk);
    });
    req.on('end', () => {
      traffic.push(`=> ${req.method} ${req.url} ${JSON.stringify(req.headers)}\n${asText(Buffer.concat(sent), req.headers['content-encoding'])}`);
      forward.end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    traffic,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
