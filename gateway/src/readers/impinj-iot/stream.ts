import type { Clock, TimerHandle } from '../../../../shared/src/clock.js';
import { makeError } from '../../../../shared/src/errors.js';
import type { ImpinjIotReaderConfig } from '../config.js';
import { ReaderErrors } from '../errors.js';
import { LineSplitter } from '../push/ndjson.js';
import { impinjAuthHeaders } from './rest.js';

export interface StreamHandlers {
  /** One non-blank line of the stream (an event object as JSON text). */
  onLine(line: string): void;
  /** Bytes the stream refused (a line past messageBytesMax). */
  onBadBytes(reason: string): void;
  onLost(error: Error): void;
}

export interface StreamLink {
  close(): void;
}

/**
 * `GET /api/v1/data/stream`: newline-delimited JSON, with an empty keep-alive line
 * about every 30 s. Any bytes, keep-alives included, prove the stream alive; silence
 * past `silenceTimeoutMs` (default 90 s, three missed keep-alives) means a dead TCP
 * path that no FIN will ever announce, so the stream is aborted and reopened.
 */
export async function openImpinjStream(
  config: ImpinjIotReaderConfig,
  clock: Clock,
  handlers: StreamHandlers,
): Promise<StreamLink> {
  const controller = new AbortController();
  const openTimer = clock.setTimeout(() => controller.abort(), config.requestTimeoutMs);
  let response: Response;
  try {
    response = await fetch(`${config.baseUrl ?? ''}/api/v1/data/stream`, {
      headers: { ...impinjAuthHeaders(config), accept: 'application/json' },
      signal: controller.signal,
    });
  } finally {
    openTimer.cancel();
  }
  if (!response.ok || response.body === null) {
    controller.abort();
    throw makeError(ReaderErrors.READER_STATUS, {
      readerId: config.id,
      command: 'GET /api/v1/data/stream',
      status: response.status,
      meaning: response.status === 401 ? 'check username/password' : 'is the IoT Device Interface enabled?',
    });
  }
  let closed = false;
  let lastBytesAtMs = clock.nowMs();
  const fail = (error: Error): void => {
    if (closed) return;
    closed = true;
    watchdog.cancel();
    controller.abort();
    handlers.onLost(error);
  };
  const watchdog: TimerHandle = clock.setInterval(
    () => {
      if (clock.nowMs() - lastBytesAtMs <= config.silenceTimeoutMs) return;
      fail(
        makeError(ReaderErrors.TIMEOUT, {
          readerId: config.id,
          command: 'stream keep-alive',
          timeoutMs: config.silenceTimeoutMs,
        }),
      );
    },
    Math.max(250, Math.floor(config.silenceTimeoutMs / 4)),
  );
  const splitter = new LineSplitter(config.messageBytesMax);
  const decoder = new TextDecoder();
  void (async () => {
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw new Error('reader closed the event stream');
      lastBytesAtMs = clock.nowMs();
      const tooLongBefore = splitter.linesTooLong;
      for (const line of splitter.push(decoder.decode(value, { stream: true })))
        if (line.trim().length > 0) handlers.onLine(line);
      if (splitter.linesTooLong > tooLongBefore)
        handlers.onBadBytes(`stream line longer than ${config.messageBytesMax} bytes`);
    }
  })().catch((error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));
  return {
    close() {
      closed = true;
      watchdog.cancel();
      controller.abort();
    },
  };
}
