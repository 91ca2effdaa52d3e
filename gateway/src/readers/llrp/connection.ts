import { connect, type Socket } from 'node:net';
import type { Clock, TimerHandle } from '../../../../shared/src/clock.js';
import { makeError } from '../../../../shared/src/errors.js';
import { ReaderErrors } from '../errors.js';
import { MessageType, messageNameOf } from './constants.js';
import { decodeMessage, readStatus, type LlrpMessage } from './codec.js';
import { LlrpFramer } from './framer.js';

/**
 * One TCP connection to an LLRP reader: frames the stream, matches responses to requests by
 * message id (responses echo it), and hands everything else (reports, events, keepalives) to
 * `onMessage`. ERROR_MESSAGE answers the request whose id it echoes with a coded error.
 */
export interface LlrpConnectionOptions {
  host: string;
  port: number;
  readerId: string;
  clock: Clock;
  connectTimeoutMs: number;
  messageBytesMax: number;
  onMessage(message: LlrpMessage): void;
  /** Bytes that formed no message (counted by the caller). */
  onBadBytes(runs: number): void;
  /** The socket closed or failed; called once. */
  onClosed(error: Error): void;
}

interface Pending {
  type: number;
  resolve(message: LlrpMessage): void;
  reject(error: Error): void;
  timer: TimerHandle;
}

/** Requests in flight at once; the session sends one at a time, the bound guards against a bug. */
const PENDING_MAX = 64;

export class LlrpConnection {
  private readonly framer: LlrpFramer;
  private readonly pending = new Map<number, Pending>();
  private nextMessageId = 1;
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly options: LlrpConnectionOptions,
  ) {
    this.framer = new LlrpFramer(options.messageBytesMax);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.shutDown(error));
    socket.on('close', () => this.shutDown(new Error(`LLRP connection to ${options.host}:${options.port} closed`)));
  }

  static open(options: LlrpConnectionOptions): Promise<LlrpConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: options.host, port: options.port });
      socket.setNoDelay(true);
      const timer = options.clock.setTimeout(() => {
        socket.destroy();
        reject(
          new Error(`TCP connect to ${options.host}:${options.port} timed out after ${options.connectTimeoutMs} ms`),
        );
      }, options.connectTimeoutMs);
      // Handlers are attached before the first byte can arrive: the reader speaks first.
      const connection = new LlrpConnection(socket, options);
      socket.once('connect', () => {
        timer.cancel();
        resolve(connection);
      });
      socket.once('error', (error) => {
        timer.cancel();
        reject(error);
      });
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  newMessageId(): number {
    const id = this.nextMessageId;
    this.nextMessageId = this.nextMessageId >= 0xffff_fff0 ? 1 : this.nextMessageId + 1;
    return id;
  }

  send(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes);
  }

  /** Sends a request built with `build(messageId)` and resolves with the response of `responseType`. */
  request(build: (messageId: number) => Buffer, responseType: number, timeoutMs: number): Promise<LlrpMessage> {
    if (this.closed) return Promise.reject(new Error('LLRP connection is closed'));
    if (this.pending.size >= PENDING_MAX) return Promise.reject(new Error('too many LLRP requests in flight'));
    const messageId = this.newMessageId();
    const bytes = build(messageId);
    return new Promise((resolve, reject) => {
      const timer = this.options.clock.setTimeout(() => {
        this.pending.delete(messageId);
        reject(
          makeError(ReaderErrors.TIMEOUT, {
            readerId: this.options.readerId,
            command: messageNameOf(bytes.readUInt16BE(0) & 0x3ff),
            timeoutMs,
          }),
        );
      }, timeoutMs);
      this.pending.set(messageId, { type: responseType, resolve, reject, timer });
      this.socket.write(bytes);
    });
  }

  destroy(): void {
    this.socket.destroy();
    this.shutDown(new Error('LLRP connection closed by the gateway'));
  }

  private receive(chunk: Buffer): void {
    const badBefore = this.framer.stats.messagesBad;
    const messages = this.framer.push(chunk);
    if (this.framer.stats.messagesBad > badBefore) this.options.onBadBytes(this.framer.stats.messagesBad - badBefore);
    for (const bytes of messages) {
      if (this.closed) return;
      const message = decodeMessage(bytes);
      const pending = this.pending.get(message.messageId);
      if (pending && (message.type === pending.type || message.type === MessageType.ERROR_MESSAGE)) {
        this.pending.delete(message.messageId);
        pending.timer.cancel();
        if (message.type === MessageType.ERROR_MESSAGE) {
          const status = readStatus(message.body);
          pending.reject(
            makeError(ReaderErrors.LLRP_STATUS, {
              readerId: this.options.readerId,
              message: 'a request',
              statusCode: status?.code ?? -1,
              description: status?.description ?? 'ERROR_MESSAGE',
            }),
          );
        } else pending.resolve(message);
        continue;
      }
      this.options.onMessage(message);
    }
  }

  private shutDown(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    for (const pending of this.pending.values()) {
      pending.timer.cancel();
      pending.reject(error);
    }
    this.pending.clear();
    this.socket.destroy();
    this.options.onClosed(error);
  }
}
