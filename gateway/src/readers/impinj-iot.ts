import type { DriverDeps } from './base.js';
import type { ImpinjIotReaderConfig } from './config.js';
import { parseImpinjEvent } from './impinj-iot/events.js';
import { impinjPresetCommand } from './impinj-iot/rest.js';
import { openImpinjStream } from './impinj-iot/stream.js';
import { listenImpinjWebhook } from './impinj-iot/webhook.js';
import { PushReaderDriver } from './push/driver.js';
import { parseEventMessage, type PushEvent } from './push/events.js';
import { openMqttSource } from './push/mqtt-source.js';

/** An event object, or an array of them (webhook bodies; NDJSON bodies are split into lines first). */
export function parseImpinjMessage(value: unknown): PushEvent[] {
  return parseEventMessage(value, parseImpinjEvent);
}

/**
 * Impinj IoT Device Interface (R700/R660): events pushed as JSON over the HTTP
 * stream, the reader's MQTT output or a webhook. Optionally starts an inventory
 * preset over REST at start() and stops it at stop(); without one the reader runs
 * what it was told and the gateway only forwards reads between start and stop.
 */
export class ImpinjIotReaderDriver extends PushReaderDriver {
  private link: { close(): unknown } | null = null;
  /** Bound webhook port (useful with port 0 in tests). */
  webhookPort: number | null = null;

  constructor(
    private readonly config: ImpinjIotReaderConfig,
    deps: DriverDeps,
  ) {
    super(config.id, 'impinj-iot', config, deps);
  }

  protected async openLink(): Promise<void> {
    const onText = (text: string): void => this.onText(text);
    const onLost = (error: Error): void => this.linkLost(error);
    if (this.config.transport === 'mqtt' && this.config.mqtt) {
      this.link = await openMqttSource(this.config.mqtt, `stockwire-${this.readerId}`, this.config.requestTimeoutMs, {
        onMessage: (_topic, payload) => onText(payload.toString('utf8')),
        onLost,
      });
    } else if (this.config.transport === 'webhook') {
      const webhook = await listenImpinjWebhook(this.config, {
        onBody: (body) => this.onWebhookBody(body),
        onBadBody: (reason) => this.deliver({ kind: 'bad', reason }),
      });
      this.webhookPort = webhook.port;
      this.link = webhook;
    } else {
      this.link = await openImpinjStream(this.config, this.deps.clock, {
        onLine: onText,
        onBadBytes: (reason) => this.deliver({ kind: 'bad', reason }),
        onLost,
      });
    }
  }

  protected async closeLink(): Promise<void> {
    const link = this.link;
    this.link = null;
    await link?.close();
  }

  protected async startInventory(): Promise<void> {
    await impinjPresetCommand(this.config, 'start');
    this.setForwarding(true);
  }

  protected async stopInventory(): Promise<void> {
    this.setForwarding(false);
    await impinjPresetCommand(this.config, 'stop');
  }

  private onText(text: string): void {
    this.deliverJson(text, this.config.messageBytesMax, parseImpinjMessage);
  }

  /** Webhook bodies are one JSON value, or NDJSON when the reader batches lines. */
  private onWebhookBody(body: string): void {
    const lines = body.split('\n').filter((line) => line.trim().length > 0);
    if (lines.length <= 1) this.onText(body);
    else for (const line of lines) this.onText(line);
  }
}
