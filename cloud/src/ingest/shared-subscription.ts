import type { IClientOptions } from 'mqtt';
import { TOPIC_ROOT } from '../../../shared/src/contracts/topics.js';

/**
 * Scale-out: N cloud processes share the gateway stream through an MQTT 5 shared subscription
 * (`$share/<group>/stockwire/v1/+/+/+`): the broker deals each message to one member of the group
 * (Mosquitto 2: round-robin; EMQX: `broker.shared_subscription_strategy = hash_clientid` keeps one
 * gateway on one consumer). A broker never sends retained messages to a shared subscription, and
 * each consumer must see every gateway's committed watermark (its own and the others'), so the
 * `committed` topics are also subscribed plainly — on a connection of their own
 * (watermark-readback.ts), not beside the documents.
 */
export const COMMITTED_TOPICS_SUBSCRIPTION = `${TOPIC_ROOT}/+/+/committed`;

/** The consumer's topic filters: as given, or each shared in the group (`committed` is read on its own connection). */
export function consumerSubscriptions(sharedGroup: string | undefined, topics: readonly string[]): string[] {
  if (sharedGroup === undefined) return [...topics];
  return topics.map((topic) => `$share/${sharedGroup}/${topic}`);
}

/** MQTT 5 when sharing (shared subscriptions are an MQTT 5 feature); the session outlives a disconnect as in 3.1.1. */
export function protocolOptions(sharedGroup: string | undefined): Partial<IClientOptions> {
  if (sharedGroup === undefined) return {};
  return { protocolVersion: 5, properties: { sessionExpiryInterval: 0xffff_ffff } };
}
