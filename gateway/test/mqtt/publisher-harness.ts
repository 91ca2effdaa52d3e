import { systemClock } from '../../../shared/src/clock.js';
import { gatewayTopic } from '../../../shared/src/contracts/topics.js';
import { silentLogger } from '../../../shared/src/log.js';
import { MqttConfigSchema } from '../../src/mqtt/config.js';
import { createMqttConnection } from '../../src/mqtt/connection.js';
import {
  createPublisher,
  type PublishClient,
  type Publisher,
  type PublisherOptions,
} from '../../src/mqtt/publisher.js';
import type { Outbox } from '../../src/outbox/outbox.js';

/**
 * A publisher as the gateway builds one (40 events per document, real clock, silent logs) on any
 * client, with room enough that only what a test overrides (window, byte bound, confirmation) matters.
 */
export function testPublisher(
  client: PublishClient,
  outbox: Outbox,
  overrides: Partial<PublisherOptions> = {},
): Publisher {
  return createPublisher({
    client,
    outbox,
    topic: 't',
    gatewayId: 'gw-1',
    eventsPerMessageMax: 40,
    messageBytesMax: 1e6,
    inflightMessagesMax: 8,
    clock: systemClock,
    logger: silentLogger(),
    ...overrides,
  });
}

/** A real MQTT connection as gateway `ids` and a publisher on it to its events topic (40 events / 256 KiB per message). */
export function connectPublisher(
  mqttConfig: Record<string, unknown>,
  outbox: Outbox,
  inflightMessagesMax: number,
  ids: { siteId: string; gatewayId: string },
) {
  const connection = createMqttConnection(MqttConfigSchema.parse(mqttConfig), ids, {
    clock: systemClock,
    logger: silentLogger(),
  });
  const publisher = testPublisher(connection.client, outbox, {
    topic: gatewayTopic(ids.siteId, ids.gatewayId, 'events'),
    gatewayId: ids.gatewayId,
    messageBytesMax: 256 * 1024,
    inflightMessagesMax,
  });
  return { connection, publisher };
}
