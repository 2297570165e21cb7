/**
 * `GET /docs` in the local cloud: a page that reads the API's own `GET /openapi.json` and shows
 * every operation with its parameters, body and answers, with a form to send each one and see the
 * answer. Plain HTML, CSS and one script of ours, served from here: nothing from a CDN. The page
 * holds no data, so it needs no token; the requests it sends carry the token typed into it.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const assetsDir = join(dirname(fileURLToPath(import.meta.url)), 'assets');
const files: Record<string, { file: string; type: string }> = {
  '/docs': { file: 'docs.html', type: 'text/html; charset=utf-8' },
  '/docs/assets/docs.js': { file: 'docs.js', type: 'text/javascript; charset=utf-8' },
  '/docs/assets/docs.css': { file: 'docs.css', type: 'text/css; charset=utf-8' },
};

/** Answers the request when it is for the docs page (true), else leaves it alone (false). */
export async function serveApiDocs(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
  const path = (request.url ?? '/').split('?')[0]?.replace(/\/$/, '') ?? '';
  const asset = files[path];
  if (asset === undefined || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
  request.resume();
  const body = await readFile(join(assetsDir, asset.file));
  response.writeHead(200, {
    'content-type': asset.type,
    'content-length': String(body.length),
    'cache-control': 'no-cache',
    'content-security-policy': "default-src 'self'; img-src 'self' data:",
  });
  response.end(request.method === 'HEAD' ? undefined : body);
  return true;
}
