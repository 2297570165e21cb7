/**
 * The SES v2 API on 127.0.0.1: the `aws-ses-v2-local` emulator, which accepts SendEmail as SES
 * does and keeps every message it accepted in memory (`GET <endpoint>/store`, and a mail viewer at
 * `<endpoint>/`). Its store belongs to the process: two emulators started in one process share it.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

type StartSesEmulator = (config: { host: string; port: number }) => Promise<Server>;

const startSesEmulator = (createRequire(import.meta.url)('aws-ses-v2-local') as { default: StartSesEmulator })
  .default;

export interface LocalSes {
  /** `http://127.0.0.1:<port>`: the SDK's endpoint (`AWS_ENDPOINT_URL_SESV2`) and the store's base */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** One message as the emulator's `GET /store` lists it. */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  /** unix seconds */
  at: number;
}

export async function startLocalSes(options: { port?: number } = {}): Promise<LocalSes> {
  const server = await startSesEmulator({ host: '127.0.0.1', port: options.port ?? 0 });
  const { port } = server.address() as AddressInfo;
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () => {
      stopping ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}

/** The messages the emulator at `endpoint` accepted, oldest first. */
export async function sentEmails(endpoint: string): Promise<StoredEmail[]> {
  const response = await fetch(`${endpoint}/store`);
  if (!response.ok) throw new Error(`GET ${endpoint}/store: ${response.status}`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  return emails;
}
