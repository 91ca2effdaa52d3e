import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { OpcUaSimulator } from './opcua/server.js';
import { BeamPlayer } from './readers/beam-source.js';
import { LlrpReaderSimulator } from './readers/llrp-sim.js';
import { servePushReader, type PushReaderEndpoint } from './push-serve.js';
import type { ServedReader, ServeOptions } from './serve-types.js';
import { startPtyPair, type PtyPair } from './pty.js';
import { ScenarioReadSource, type ReadSource } from './readers/read-source.js';
import { serveSerialReader, type SerialReaderEndpoint } from './readers/serial-endpoint.js';

export type { ServedReader, ServeOptions } from './serve-types.js';

export interface ServingScenario {
  readers: ServedReader[];
  stop(): Promise<void>;
}

export async function serveScenario(options: ServeOptions): Promise<ServingScenario> {
  const sources: ReadSource[] = [];
  const ptys: PtyPair[] = [];
  const endpoints: SerialReaderEndpoint[] = [];
  let opcua: OpcUaSimulator | null = null;
  const llrpReaders: LlrpReaderSimulator[] = [];
  const pushEndpoints: PushReaderEndpoint[] = [];
  const served: ServedReader[] = [];
  const sourceFor = (readerId: string): ReadSource => {
    const source = new ScenarioReadSource(options.scenario, readerId, options.clock, {
      loop: options.loop,
      speed: options.speed,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
    sources.push(source);
    return source;
  };
  const stop = async (): Promise<void> => {
    for (const source of sources) source.close();
    await Promise.all(endpoints.map((endpoint) => endpoint.close().catch(() => undefined)));
    await Promise.all(ptys.map((pty) => pty.stop()));
    await opcua?.stop();
    await Promise.all(llrpReaders.map((reader) => reader.stop()));
    for (const endpoint of pushEndpoints.splice(0).reverse()) await endpoint.close().catch(() => undefined);
  };
  try {
    const opcuaReaders: Array<{ name: string; source: ReadSource }> = [];
    for (const reader of options.scenario.readers) {
      if (reader.protocol === 'chafon' || reader.protocol === 'thingmagic') {
        const hostPath = reader.serialDevice ?? join(options.ptyDir, reader.id);
        mkdirSync(dirname(hostPath), { recursive: true });
        const pty = await startPtyPair(hostPath, `${hostPath}.sim`);
        ptys.push(pty);
        endpoints.push(
          await serveSerialReader({
            protocol: reader.protocol,
            device: pty.readerPath,
            source: sourceFor(reader.id),
            clock: options.clock,
          }),
        );
        served.push({
          readerId: reader.id,
          protocol: reader.protocol,
          address: hostPath,
          gatewayConfig: { id: reader.id, protocol: reader.protocol, device: hostPath },
        });
        options.logger.info(
          { reader: reader.id, protocol: reader.protocol, device: hostPath },
          'serial reader simulator ready',
        );
      } else if (reader.protocol === 'llrp') {
        const basePort = options.llrpPort ?? 0;
        const simulator = await LlrpReaderSimulator.start({
          source: sourceFor(reader.id),
          clock: options.clock,
          port: reader.llrpPort ?? (basePort > 0 ? basePort + llrpReaders.length : 0),
          vendor: reader.llrpVendor,
          beams: new BeamPlayer(options.scenario, reader.id, options.clock, {
            loop: options.loop,
            speed: options.speed,
          }),
        });
        llrpReaders.push(simulator);
        served.push(llrpServed(reader.id, simulator));
        options.logger.info(
          { reader: reader.id, port: simulator.port, vendor: simulator.vendor },
          'LLRP reader simulator ready',
        );
      } else if (reader.protocol === 'impinj-iot' || reader.protocol === 'zebra-iot') {
        const endpoint = await servePushReader(reader, sourceFor(reader.id), options, pushEndpoints);
        served.push(endpoint.served);
        options.logger.info(
          { reader: reader.id, protocol: reader.protocol, address: endpoint.served.address },
          'push reader simulator ready',
        );
      } else if (reader.protocol === 'opcua') {
        opcuaReaders.push({ name: reader.id, source: sourceFor(reader.id) });
      } else {
        served.push({
          readerId: reader.id,
          protocol: 'simulated',
          address: '(in-process)',
          gatewayConfig: {
            id: reader.id,
            protocol: 'simulated',
            scenario: '<this scenario file>',
            ...(options.seed === undefined ? {} : { seed: options.seed }),
            loop: options.loop,
          },
        });
      }
    }
    if (opcuaReaders.length > 0) {
      const port =
        options.scenario.readers.find((reader) => reader.protocol === 'opcua' && reader.opcuaPort)?.opcuaPort ??
        options.opcuaPort;
      // node-opcua is heavy to import: only scenarios with OPC UA readers pay for it.
      const { startOpcUaSimulator } = await import('./opcua/server.js');
      opcua = await startOpcUaSimulator({ port, readers: opcuaReaders, clock: options.clock, pkiDir: options.pkiDir });
      for (const reader of opcuaReaders) {
        served.push({
          readerId: reader.name,
          protocol: 'opcua',
          address: opcua.endpointUrl,
          gatewayConfig: {
            id: reader.name,
            protocol: 'opcua',
            endpointUrl: opcua.endpointUrl,
            deviceName: reader.name,
          },
        });
      }
      options.logger.info(
        { endpointUrl: opcua.endpointUrl, readers: opcuaReaders.map((reader) => reader.name) },
        'OPC UA AutoID simulator ready',
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { readers: served, stop };
}

/** The gateway `readers:` entry that reaches a simulated LLRP reader. */
function llrpServed(readerId: string, simulator: LlrpReaderSimulator): ServedReader {
  return {
    readerId,
    protocol: 'llrp',
    address: `127.0.0.1:${simulator.port}`,
    gatewayConfig: {
      id: readerId,
      protocol: 'llrp',
      host: '127.0.0.1',
      port: simulator.port,
      impinjExtensions: simulator.vendor === 'impinj',
    },
  };
}
