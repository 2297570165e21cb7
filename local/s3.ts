/**
 * s3rver on 127.0.0.1 with the template's buckets: label PDFs land here locally. In memory means a
 * temporary directory removed on stop; otherwise objects persist under `.relais/s3`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { keepIdleConnectionsOpen } from './keep-alive.ts';

/** The part of s3rver's API used here (the package ships no types). */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  resetOnClose: boolean;
  allowMismatchedSignatures: boolean;
  vhostBuckets: boolean;
  configureBuckets: { name: string; configs: string[] }[];
}) => S3rverInstance;

const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

export interface LocalS3Options {
  inMemory: boolean;
  /** where objects live when not in memory (default `.relais/s3`) */
  dataDir?: string;
  /** bucket names to create (existing ones are kept) */
  buckets: readonly string[];
  /** a fixed port; by default a free one */
  port?: number;
  /** s3rver's request log on stdout */
  verbose?: boolean;
}

export interface LocalS3 {
  /** `http://127.0.0.1:<port>`: an IP address, so the SDK addresses buckets path-style by itself */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const directory = options.inMemory
    ? mkdtempSync(join(tmpdir(), 'relais-s3-'))
    : resolve(options.dataDir ?? '.relais/s3');
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: !options.verbose,
    directory,
    resetOnClose: false,
    // Presigned URLs and SDK requests are signed with the local dummy key; the signature itself
    // guards nothing here, and a clock skew or a proxy header must not turn into a 403.
    allowMismatchedSignatures: true,
    vhostBuckets: false,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  });
  const address = await server.run();
  if (server.httpServer) keepIdleConnectionsOpen(server.httpServer);
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    stop: () => {
      stopping ??= (async () => {
        server.httpServer?.closeAllConnections();
        await server.close();
        if (options.inMemory) rmSync(directory, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
