import type { MqttClient } from 'mqtt';
import type { Clock } from '../../../shared/src/clock.js';
import { errorMessage, makeError } from '../../../shared/src/errors.js';
import type { Logger } from '../../../shared/src/log.js';
import { AlertErrors } from './errors.js';
import { ALERTS_SUBSCRIPTION, type PublishFn } from './publisher.js';
import { AlertSchema, type Alert } from './types.js';

/** Adapts an mqtt.js client to the alert publisher's narrow publish function. */
export function mqttPublishFn(client: MqttClient): PublishFn {
  return (topic, payload, options) => client.publishAsync(topic, payload, options);
}

/**
 * Reads the alerts a previous run left retained on the broker, so the service can adopt
 * them and clear those whose condition has ended (otherwise they would stay forever).
 * Retained messages arrive right after SUBACK; `waitMs` bounds the wait.
 */
export async function collectRetainedAlerts(
  client: MqttClient,
  deps: { clock: Clock; logger: Logger; waitMs?: number; alertsMax?: number },
): Promise<Alert[]> {
  const alerts = new Map<string, Alert>();
  const alertsMax = deps.alertsMax ?? 10_000;
  const onMessage = (topic: string, payload: Buffer, packet: { retain?: boolean }): void => {
    if (
      !topic.startsWith(ALERTS_SUBSCRIPTION.slice(0, -1)) ||
      !packet.retain ||
      payload.length === 0 ||
      alerts.size >= alertsMax
    )
      return;
    try {
      const alert = AlertSchema.parse(JSON.parse(payload.toString('utf8')));
      alerts.set(alert.key, alert);
    } catch (error) {
      const coded = makeError(AlertErrors.BAD_RETAINED_ALERT, { topic, reason: errorMessage(error) }, error);
      deps.logger.warn({ code: coded.code }, coded.message);
    }
  };
  client.on('message', onMessage);
  try {
    await client.subscribeAsync(ALERTS_SUBSCRIPTION, { qos: 1 });
    await new Promise<void>((resolve) => deps.clock.setTimeout(resolve, deps.waitMs ?? 500));
    await client.unsubscribeAsync(ALERTS_SUBSCRIPTION);
  } finally {
    client.off('message', onMessage);
  }
  return [...alerts.values()];
}
