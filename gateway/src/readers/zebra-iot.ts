import type { DriverDeps } from './base.js';
import type { ZebraIotReaderConfig } from './config.js';
import { PushReaderDriver } from './push/driver.js';
import { openMqttSource, type MqttSourceLink } from './push/mqtt-source.js';
import { parseZebraMessage } from './zebra-iot/events.js';

/** MQTT connect deadline for the reader's broker. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Zebra IoT Connector (FX7500/FX9600/ATR7000): data events (one object, or an
 * array when batched) and GPI management events over MQTT. The connector keeps up
 * to ~150K events while the network is down and replays them afterwards: the replay
 * filter drops late and repeated reads so a tag's last-read never goes backwards.
 */
export class ZebraIotReaderDriver extends PushReaderDriver {
  private link: MqttSourceLink | null = null;

  constructor(
    private readonly config: ZebraIotReaderConfig,
    deps: DriverDeps,
  ) {
    super(config.id, 'zebra-iot', config, deps);
  }

  protected async openLink(): Promise<void> {
    this.link = await openMqttSource(this.config.mqtt, `stockwire-${this.readerId}`, CONNECT_TIMEOUT_MS, {
      onMessage: (_topic, payload) => {
        if (payload.length > this.config.messageBytesMax) {
          this.deliver({ kind: 'bad', reason: `MQTT payload longer than ${this.config.messageBytesMax} bytes` });
          return;
        }
        this.deliverJson(payload.toString('utf8'), this.config.messageBytesMax, parseZebraMessage);
      },
      onLost: (error) => this.linkLost(error),
    });
  }

  protected async closeLink(): Promise<void> {
    const link = this.link;
    this.link = null;
    await link?.close();
  }

  protected startInventory(): Promise<void> {
    // The connector's read mode (continuous, GPI-triggered portal) is set on the reader; we forward from now on.
    this.setForwarding(true);
    return Promise.resolve();
  }

  protected stopInventory(): Promise<void> {
    this.setForwarding(false);
    return Promise.resolve();
  }
}
