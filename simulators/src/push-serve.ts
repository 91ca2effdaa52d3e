import { startEmbeddedBroker } from '../../cloud/src/broker/broker.js';
import { BeamPlayer } from './readers/beam-source.js';
import { startImpinjIotSimulator } from './readers/impinj-iot-sim.js';
import type { ReadSource } from './readers/read-source.js';
import { startZebraIotSimulator } from './readers/zebra-iot-sim.js';
import type { SimulatedReaderSpec } from './scenario/schema.js';
import type { ServedReader, ServeOptions } from './serve-types.js';

/**
 * Serves a scenario reader as a reader that pushes JSON: an Impinj IoT Device
 * Interface HTTP server, or a Zebra IoT Connector publishing to an MQTT broker (the
 * configured one, or one embedded aedes shared by every Zebra reader of the run).
 * Both play the scenario's photo-eye beams as GPI events.
 */
export interface PushReaderEndpoint {
  served: ServedReader;
  close(): Promise<void>;
}

export async function servePushReader(
  reader: SimulatedReaderSpec,
  source: ReadSource,
  options: ServeOptions,
  endpoints: PushReaderEndpoint[],
): Promise<PushReaderEndpoint> {
  const beams = new BeamPlayer(options.scenario, reader.id, options.clock, {
    loop: options.loop,
    speed: options.speed,
  });
  if (reader.protocol === 'impinj-iot') {
    const simulator = await startImpinjIotSimulator({
      source,
      beams,
      clock: options.clock,
      port: reader.httpPort ?? 0,
    });
    const endpoint: PushReaderEndpoint = {
      served: {
        readerId: reader.id,
        protocol: 'impinj-iot',
        address: simulator.baseUrl,
        gatewayConfig: { id: reader.id, protocol: 'impinj-iot', baseUrl: simulator.baseUrl },
      },
      close: () => simulator.close(),
    };
    endpoints.push(endpoint);
    return endpoint;
  }
  const mqttUrl = options.readerMqttUrl ?? (await sharedBroker(options, endpoints));
  const topic = `zebra/${reader.id}/data`;
  const simulator = await startZebraIotSimulator({
    source,
    beams,
    clock: options.clock,
    mqttUrl,
    dataTopic: topic,
    clientId: `zebra-sim-${reader.id}`,
    batchSize: reader.eventsPerMessage,
  });
  const endpoint: PushReaderEndpoint = {
    served: {
      readerId: reader.id,
      protocol: 'zebra-iot',
      address: `${mqttUrl} ${topic}`,
      gatewayConfig: { id: reader.id, protocol: 'zebra-iot', mqtt: { url: mqttUrl, topic } },
    },
    close: () => simulator.close(),
  };
  endpoints.push(endpoint);
  return endpoint;
}

const BROKER_ADDRESS = 'reader-broker';

/** One embedded broker for all simulated Zebra readers of a run, closed with the run (after the readers). */
async function sharedBroker(options: ServeOptions, endpoints: PushReaderEndpoint[]): Promise<string> {
  const existing = endpoints.find((endpoint) => endpoint.served.readerId === BROKER_ADDRESS);
  if (existing) return existing.served.address;
  const broker = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: options.readerMqttPort ?? 0,
    logger: options.logger.child({ part: 'reader-broker' }),
    allowAnonymous: true,
  });
  const url = `mqtt://127.0.0.1:${broker.port}`;
  // Listed first so it is closed last (the run closes endpoints in reverse).
  endpoints.unshift({
    served: { readerId: BROKER_ADDRESS, protocol: 'mqtt', address: url, gatewayConfig: {} },
    close: () => broker.close(),
  });
  return url;
}
