import { startEmbeddedBroker, type BrokerUser, type EmbeddedBroker } from '../../cloud/src/broker/broker.js';
import { silentLogger } from '../../shared/src/log.js';

/** The embedded aedes broker on 127.0.0.1, an ephemeral port, quiet, with these users. The caller closes it in afterAll. */
export function startLoopbackBroker(users: readonly BrokerUser[]): Promise<EmbeddedBroker> {
  return startEmbeddedBroker({ host: '127.0.0.1', port: 0, logger: silentLogger(), users });
}
