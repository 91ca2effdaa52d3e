import { ALERTS_TOPIC } from '../../../shared/src/contracts/topics.js';
import type { Alert } from './types.js';

/** Any MQTT client's publish, e.g. `(topic, payload, options) => client.publishAsync(topic, payload, options)`. */
export type PublishFn = (topic: string, payload: string, options: { retain: boolean; qos: 0 | 1 }) => Promise<unknown>;

/** Characters that are safe and readable in a topic level; everything else is `~XX` per UTF-8 byte. */
const TOPIC_SAFE = /[A-Za-z0-9._:-]/;

/** Encodes an alert key as ONE topic level: no `/`, `+`, `#`, reversible, readable for GTINs and ids. */
export function topicSafe(text: string): string {
  let encoded = '';
  for (const character of text) {
    if (TOPIC_SAFE.test(character)) encoded += character;
    else
      for (const byte of Buffer.from(character, 'utf8'))
        encoded += `~${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

export function fromTopicSafe(encoded: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < encoded.length; index += 1) {
    if (encoded[index] === '~') {
      bytes.push(Number.parseInt(encoded.slice(index + 1, index + 3), 16));
      index += 2;
    } else bytes.push(encoded.charCodeAt(index));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `stockwire/v1/alerts/<kind>/<key>`: retained, one per alert; an empty retained payload clears it. */
export function alertTopic(alert: Pick<Alert, 'kind' | 'key'>): string {
  return `${ALERTS_TOPIC}/${alert.kind}/${topicSafe(alert.key)}`;
}

export const ALERTS_SUBSCRIPTION = `${ALERTS_TOPIC}/#`;
