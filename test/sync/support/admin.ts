import { readFileSync } from 'node:fs';
import http from 'node:http';
import { adminFile, type AdminEndpoint } from '../../../server/server';

/** Runs an admin command inside the server process running on a data folder, as `npm run admin` does. */
export function adminRun(dataDir: string, argv: readonly string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const endpoint = JSON.parse(readFileSync(adminFile(dataDir), 'utf8')) as AdminEndpoint;
  const body = JSON.stringify({ argv, stdin });
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port: endpoint.port, method: 'POST', path: '/admin/run', headers: { 'content-type': 'application/json', 'x-admin-token': endpoint.token } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { code: number; stdout: string; stderr: string };
          resolve({ code: answer.code, stdout: Buffer.from(answer.stdout, 'base64').toString('utf8'), stderr: Buffer.from(answer.stderr, 'base64').toString('utf8') });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
