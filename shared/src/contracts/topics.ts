/**
 * MQTT topic names: the only place that spells them.
 * `<site>` and `<gateway>` are configured ids matching ID_PATTERN.
 */
export const TOPIC_ROOT = 'stockwire/v1';
export const ID_PATTERN = /^[a-z0-9-]+$/;

/**
 * The cloud writes two topics under a gateway: `committed` (its retained committed-sequence watermark)
 * and `commands` (requests to the gateway, e.g. a full shelf count: contracts/count-digest.ts).
 */
export type GatewayTopicKind = 'events' | 'status' | 'reads' | 'committed' | 'commands';
/** Kinds only the cloud publishes; a gateway reads its own. */
export const CLOUD_WRITTEN_KINDS: ReadonlySet<GatewayTopicKind> = new Set(['committed', 'commands']);
const GATEWAY_TOPIC_KINDS: ReadonlySet<string> = new Set(['events', 'status', 'reads', 'committed', 'commands']);

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
  if (!GATEWAY_TOPIC_KINDS.has(kind)) return null;
  return { siteId, gatewayId, kind: kind as GatewayTopicKind };
}

/** Point-of-sale topics: `stockwire/v1/<site>/pos/<till>/<kind>`, one segment longer than a gateway topic. */
export const POS_SEGMENT = 'pos';
export type PosTopicKind = 'transactions';

export function posTopic(siteId: string, tillId: string, kind: PosTopicKind = 'transactions'): string {
  return `${TOPIC_ROOT}/${siteId}/${POS_SEGMENT}/${tillId}/${kind}`;
}

/** Every till topic (unknown kinds included, which the cloud dead-letters). */
export const POS_TOPICS_SUBSCRIPTION = `${TOPIC_ROOT}/+/${POS_SEGMENT}/+/+`;

export interface ParsedPosTopic {
  siteId: string;
  tillId: string;
  kind: string;
}

/** Returns null for any topic that is not shaped like a till topic (the kind is checked by the caller). */
export function parsePosTopic(topic: string): ParsedPosTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 6 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT || parts[3] !== POS_SEGMENT) return null;
  const [, , siteId, , tillId, kind] = parts as [string, string, string, string, string, string];
  if (!ID_PATTERN.test(siteId) || !ID_PATTERN.test(tillId)) return null;
  return { siteId, tillId, kind };
}
