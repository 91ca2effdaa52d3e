import { basicAuthorization } from '../../../../shared/src/basic-auth.js';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { ImpinjIotReaderConfig } from '../config.js';

/** Concurrent webhook connections; a reader uses one or two, so more is someone else (or a flood). */
export const WEBHOOK_CONNECTIONS_MAX = 16;

export interface WebhookHandlers {
  /** One POST body (JSON object, array of objects, or NDJSON lines). */
  onBody(body: string): void;
  onBadBody(reason: string): void;
}

export interface WebhookLink {
  /** The port actually bound (the configured one, or an ephemeral one for port 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * The webhook transport: the reader POSTs its events to the gateway. We answer
 * 204 as soon as the body is in (the reader retries on errors, which would only
 * duplicate reads), 404 for other paths, 413 past `messageBytesMax`, and 401 when
 * credentials are configured and the request lacks them (anyone who can reach the
 * port could otherwise inject reads).
 */
export async function listenImpinjWebhook(
  config: ImpinjIotReaderConfig,
  handlers: WebhookHandlers,
): Promise<WebhookLink> {
  const settings: NonNullable<ImpinjIotReaderConfig['webhook']> = config.webhook ?? {
    host: '127.0.0.1',
    port: 0,
    path: '/',
  };
  const expectedAuthorization =
    settings.username === undefined ? null : basicAuthorization(settings.username, settings.password ?? '');
  const server: Server = createServer((request, response) => {
    if (expectedAuthorization !== null && request.headers.authorization !== expectedAuthorization) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="stockwire"' }).end();
      request.resume();
      handlers.onBadBody('webhook POST without the configured credentials (401)');
      return;
    }
    if (request.method !== 'POST' || new URL(request.url ?? '/', 'http://x').pathname !== settings.path) {
      response.writeHead(404).end();
      request.resume();
      return;
    }
    readBody(request, config.messageBytesMax).then(
      (body) => {
        response.writeHead(204).end();
        handlers.onBody(body);
      },
      (error: unknown) => {
        response.writeHead(413, { connection: 'close' }).end();
        handlers.onBadBody(error instanceof Error ? error.message : String(error));
      },
    );
  });
  // A slow or stuck client must not hold a socket forever (slowloris): bound each request and the sockets.
  server.requestTimeout = config.requestTimeoutMs;
  server.headersTimeout = Math.min(config.requestTimeoutMs, 60_000);
  server.maxConnections = WEBHOOK_CONNECTIONS_MAX;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : settings.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(request: IncomingMessage, bytesMax: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > bytesMax) {
        request.destroy();
        reject(new Error(`webhook body longer than ${bytesMax} bytes`));
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
