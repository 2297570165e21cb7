import { Agent, createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * What a meter does with one call: it may rewrite the request on its way (`request`), and it sees
 * (and may rewrite) the answer (`answer`) before the caller does; or it answers the call itself
 * (`reply`), which then never reaches the service (a fault injected in place of the service).
 */
export interface Meter {
  exchange(call: Exchange): { request?: Exchange; answer?(answer: Answer): Answer; reply?: Answer };
}

export interface ForwardingProxy {
  url: string;
  /** where calls go (`http://127.0.0.1:<port>`): set once the service behind is up */
  target: string | undefined;
  close(): Promise<void>;
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * An HTTP proxy on 127.0.0.1 that reads each call whole, lets a meter look at it, and forwards it
 * to `target`. It sits where the SDK's endpoint points (`AWS_ENDPOINT_URL_<SERVICE>`), which is the
 * one place every call of the handlers passes, in the same form it would reach AWS.
 */
export async function startForwardingProxy(meter: Meter): Promise<ForwardingProxy> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const proxy: ForwardingProxy = { url: '', target: undefined, close: async () => {} };
  const server = createServer((incoming, outgoing) => {
    const fail = (error: unknown) => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' });
      outgoing.end(`bench proxy: ${error instanceof Error ? error.message : String(error)}`);
    };
    readAll(incoming)
      .then((body) => {
        if (proxy.target === undefined) throw new Error('no target yet');
        const target = new URL(proxy.target);
        const call: Exchange = {
          method: incoming.method ?? 'GET',
          path: incoming.url ?? '/',
          headers: incoming.headers,
          body,
        };
        const seen = meter.exchange(call);
        if (seen.reply !== undefined) {
          const { status, headers, body: replyBody } = seen.reply;
          outgoing.writeHead(status, { ...headers, 'content-length': String(replyBody.length) });
          outgoing.end(replyBody);
          return;
        }
        const sent = seen.request ?? call;
        const forwarded = request(
          {
            host: target.hostname,
            port: target.port,
            method: sent.method,
            path: sent.path,
            // the Host header stays the proxy's: it is part of what the SDK signed (s3rver checks)
            headers: { ...sent.headers, 'content-length': String(sent.body.length) },
            agent,
          },
          (response) => {
            readAll(response)
              .then((responseBody) => {
                const original: Answer = {
                  status: response.statusCode ?? 502,
                  headers: response.headers,
                  body: responseBody,
                };
                const answer = seen.answer ? seen.answer(original) : original;
                const headers = { ...answer.headers };
                delete headers['transfer-encoding'];
                delete headers.connection;
                headers['content-length'] = String(answer.body.length);
                outgoing.writeHead(answer.status, headers);
                outgoing.end(answer.body);
              })
              .catch(fail);
          },
        );
        forwarded.on('error', fail);
        forwarded.end(sent.body);
      })
      .catch(fail);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
      agent.destroy();
    });
  return proxy;
}
