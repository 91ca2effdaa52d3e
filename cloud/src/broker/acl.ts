import {
  ALERTS_TOPIC,
  CLOUD_WRITTEN_KINDS,
  DEADLETTER_TOPIC,
  parseGatewayTopic,
  posTopic,
} from '../../../shared/src/contracts/topics.js';

/**
 * Who may do what on the broker. Pure, so the rules are tested without a
 * socket and the Mosquitto acl_file in deploy/ can be checked against them.
 */
export type BrokerRole = 'gateway' | 'till' | 'cloud' | 'admin';

export interface BrokerPrincipal {
  username: string;
  role: BrokerRole;
  siteId?: string | undefined;
  gatewayId?: string | undefined;
  /** A till (point of sale) publishes only `stockwire/v1/<siteId>/pos/<tillId>/transactions`. */
  tillId?: string | undefined;
}

export type AclVerdict = { allowed: true } | { allowed: false; reason: string };

const allow: AclVerdict = { allowed: true };
const deny = (reason: string): AclVerdict => ({ allowed: false, reason });

/** A gateway must connect with its own id as client id: the session and the will belong to it. */
export function mayConnect(principal: BrokerPrincipal, clientId: string): AclVerdict {
  if (principal.role === 'till')
    return clientId === principal.tillId
      ? allow
      : deny(`till ${principal.username} must use client id ${principal.tillId}, not ${clientId}`);
  if (principal.role !== 'gateway') return allow;
  return clientId === principal.gatewayId
    ? allow
    : deny(`gateway ${principal.username} must use client id ${principal.gatewayId}, not ${clientId}`);
}

export function mayPublish(principal: BrokerPrincipal, topic: string): AclVerdict {
  if (principal.role === 'admin') return allow;
  if (principal.role === 'cloud') {
    const ownTopic = [DEADLETTER_TOPIC, ALERTS_TOPIC].some((root) => topic === root || topic.startsWith(`${root}/`));
    const kind = parseGatewayTopic(topic)?.kind;
    if (ownTopic || (kind !== undefined && CLOUD_WRITTEN_KINDS.has(kind))) return allow;
    return deny(
      `cloud may publish only on ${DEADLETTER_TOPIC}, ${ALERTS_TOPIC} and gateways' committed and commands topics`,
    );
  }
  if (principal.role === 'till') {
    const own = posTopic(principal.siteId ?? '', principal.tillId ?? '');
    return topic === own ? allow : deny(`till ${principal.username} may publish only on ${own}`);
  }
  const parsed = parseGatewayTopic(topic);
  if (parsed === null) return deny(`gateway ${principal.username} may publish only on its own gateway topics`);
  // The watermark and the commands are the cloud's word: a gateway confirming its own movements would defeat it.
  if (CLOUD_WRITTEN_KINDS.has(parsed.kind)) return deny(`only the cloud publishes on ${topic}`);
  if (parsed.siteId !== principal.siteId || parsed.gatewayId !== principal.gatewayId) {
    return deny(`gateway ${principal.siteId}/${principal.gatewayId} may not publish on ${topic}`);
  }
  return allow;
}

export function maySubscribe(principal: BrokerPrincipal, topicFilter: string): AclVerdict {
  if (principal.role === 'admin') return allow;
  if (principal.role === 'cloud') {
    // Everything the gateways say, but not the broker's own $SYS tree.
    return topicFilter.startsWith('$') ? deny('cloud may not subscribe to $ topics') : allow;
  }
  if (principal.role === 'till') return deny(`till ${principal.username} may not subscribe`);
  // A gateway receives only what the cloud says to it: the confirmation of its own movements and its commands.
  const parsed = parseGatewayTopic(topicFilter);
  const ownCloudTopic =
    parsed !== null &&
    CLOUD_WRITTEN_KINDS.has(parsed.kind) &&
    parsed.siteId === principal.siteId &&
    parsed.gatewayId === principal.gatewayId;
  return ownCloudTopic
    ? allow
    : deny(`gateway ${principal.username} may subscribe only to its own committed and commands topics`);
}
