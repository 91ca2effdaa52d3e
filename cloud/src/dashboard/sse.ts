import type { ServerResponse } from 'node:http';
import type { Clock, TimerHandle } from '../../../shared/src/clock.js';
import type { Logger } from '../../../shared/src/log.js';

/**
 * Server-Sent Events fan-out to dashboard browsers. Bounded: at most `clientsMax`
 * streams, and a stream whose unsent backlog passes `backlogBytesMax` is dropped (the
 * browser's EventSource reconnects and reloads state) so one slow tab cannot grow memory.
 */
export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private heartbeat: TimerHandle | null = null;
  private droppedSlow = 0;
  private nextEventId = 1;

  constructor(
    private readonly limits: { clientsMax: number; backlogBytesMax: number; heartbeatMs: number },
    private readonly deps: { clock: Clock; logger: Logger },
  ) {}

  get size(): number {
    return this.clients.size;
  }

  get slowClientsDropped(): number {
    return this.droppedSlow;
  }

  /** Takes over a raw response; returns false (and sends 503) when full. */
  add(response: ServerResponse): boolean {
    if (this.clients.size >= this.limits.clientsMax) {
      response.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '10' });
      response.end('too many dashboard clients\n');
      return false;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no', // nginx: do not buffer the stream
    });
    // retry: how long the browser waits before reconnecting
    response.write('retry: 2000\n\n');
    this.clients.add(response);
    const socket = response.socket;
    response.on('close', () => {
      this.clients.delete(response);
      // a stream's socket is never reused for another request: free it now, or the server's
      // close() would wait for the browser's keep-alive timeout
      socket?.destroy();
    });
    this.heartbeat ??= this.deps.clock.setInterval(() => this.comment('heartbeat'), this.limits.heartbeatMs);
    return true;
  }

  broadcast(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const frame = `id: ${this.nextEventId++}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const client of this.clients) this.write(client, frame);
  }

  close(): void {
    this.heartbeat?.cancel();
    this.heartbeat = null;
    // destroy, not end: an ended keep-alive socket would hold the server's close() until its idle timeout
    for (const client of this.clients) client.destroy();
    this.clients.clear();
  }

  private comment(text: string): void {
    for (const client of this.clients) this.write(client, `: ${text}\n\n`);
  }

  private write(client: ServerResponse, frame: string): void {
    if (client.writableLength > this.limits.backlogBytesMax) {
      this.droppedSlow += 1;
      this.deps.logger.warn(
        { backlogBytes: client.writableLength },
        'dashboard client too slow; disconnected (it will reconnect)',
      );
      this.clients.delete(client);
      client.destroy();
      return;
    }
    client.write(frame);
  }
}
