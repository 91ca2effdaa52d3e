/**
 * MQTT topic names: the only place that spells them.
 * `<site>` and `<gateway>` are configured ids matching ID_PATTERN.
 */
export const TOPIC_ROOT = 'stockwire/v1';
export const ID_PATTERN = /^[a-z0-9-]+$/;

/** `committed` is the one topic the cloud writes under a gateway: its retained committed-sequence watermark. */
export type GatewayTopicKind = 'events' | 'status' | 'reads' | 'committed';

export function gatewayTopic(siteId: string, gatewayId: string, kind: GatewayTopicKind): string {
  return `${TOPIC_ROOT}/${siteId}/${gatewayId}/${kind}`;
}

export const DEADLETTER_TOPIC = `${TOPIC_ROOT}/deadletter`;
export const ALERTS_TOPIC = `${TOPIC_ROOT}/alerts`;
/** Every gateway topic (events, status, reads and unknown kinds, which the cloud dead-letters). */
export const GATEWAY_TOPICS_SUBSCRIPTION = `${TOPIC_ROOT}/+/+/+`;
/** Site ids the project keeps for itself: `stockwire/v1/alerts/<kind>/<key>` shares the gateway topics' shape. */
export const RESERVED_SITE_IDS = new Set(['alerts', 'deadletter']);

export function isReservedTopic(topic: string): boolean {
  const site = topic.split('/', 3)[2];
  return site !== undefined && RESERVED_SITE_IDS.has(site);
}

/** Subscription for every gateway's movement events only. */
export const EVENTS_SUBSCRIPTION = `${TOPIC_ROOT}/+/+/events`;
export const STATUS_SUBSCRIPTION = `${TOPIC_ROOT}/+/+/status`;

export interface ParsedGatewayTopic {
  siteId: string;
  gatewayId: string;
  kind: GatewayTopicKind;
}

/** Returns null for any topic that is not a well-formed gateway topic. */
export function parseGatewayTopic(topic: string): ParsedGatewayTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return null;
  const [, , siteId, gatewayId, kind] = parts as [string, string, string, string, string];
  if (!ID_PATTERN.test(siteId) || !ID_PATTERN.test(gatewayId)) return null;
  if (kind !== 'events' && kind !== 'status' && kind !== 'reads' && kind !== 'committed') return null;
  return { siteId, gatewayId, kind };
}
