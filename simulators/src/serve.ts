import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { OpcUaSimulator } from './opcua/server.js';
import { BeamPlayer } from './readers/beam-source.js';
import { LlrpReaderSimulator } from './readers/llrp-sim.js';
import { servePushReader, type PushReaderEndpoint } from './push-serve.js';
import type { ServedReader, ServeOptions } from './serve-types.js';
import type { SimulatedReaderSpec } from './scenario/schema.js';
import { startPtyPair, type PtyPair } from './pty.js';
import { ScenarioReadSource, type ReadSource } from './readers/read-source.js';
import { serveSerialReader, type SerialReaderEndpoint } from './readers/serial-endpoint.js';

export type { ServedReader, ServeOptions } from './serve-types.js';

export interface ServingScenario {
  readers: ServedReader[];
  stop(): Promise<void>;
}

export async function serveScenario(options: ServeOptions): Promise<ServingScenario> {
  const serving = new ScenarioServing(options);
  try {
    const opcuaReaders: Array<{ name: string; source: ReadSource }> = [];
    for (const reader of options.scenario.readers) {
      if (reader.protocol === 'chafon' || reader.protocol === 'thingmagic')
        await serving.serveSerial(reader, reader.protocol);
      else if (reader.protocol === 'llrp') await serving.serveLlrp(reader);
      else if (reader.protocol === 'impinj-iot' || reader.protocol === 'zebra-iot') await serving.servePush(reader);
      else if (reader.protocol === 'opcua')
        opcuaReaders.push({ name: reader.id, source: serving.sourceFor(reader.id) });
      else serving.inProcess(reader);
    }
    // One OPC UA server holds every OPC UA reader of the scenario.
    if (opcuaReaders.length > 0) await serving.serveOpcUa(opcuaReaders);
  } catch (error) {
    await serving.stop();
    throw error;
  }
  return { readers: serving.served, stop: () => serving.stop() };
}

/** Everything serveScenario started, so stop() (or a failed start) closes it all. */
class ScenarioServing {
  readonly served: ServedReader[] = [];
  private readonly sources: ReadSource[] = [];
  private readonly ptys: PtyPair[] = [];
  private readonly endpoints: SerialReaderEndpoint[] = [];
  private opcua: OpcUaSimulator | null = null;
  private readonly llrpReaders: LlrpReaderSimulator[] = [];
  private readonly pushEndpoints: PushReaderEndpoint[] = [];

  constructor(private readonly options: ServeOptions) {}

  sourceFor(readerId: string): ReadSource {
    const { options } = this;
    const source = new ScenarioReadSource(options.scenario, readerId, options.clock, {
      loop: options.loop,
      speed: options.speed,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
    this.sources.push(source);
    return source;
  }

  async stop(): Promise<void> {
    for (const source of this.sources) source.close();
    await Promise.all(this.endpoints.map((endpoint) => endpoint.close().catch(() => undefined)));
    await Promise.all(this.ptys.map((pty) => pty.stop()));
    await this.opcua?.stop();
    await Promise.all(this.llrpReaders.map((reader) => reader.stop()));
    for (const endpoint of this.pushEndpoints.splice(0).reverse()) await endpoint.close().catch(() => undefined);
  }

  /** Chafon / ThingMagic: the reader's end of a socat pseudo-terminal pair; the gateway opens the other end. */
  async serveSerial(reader: SimulatedReaderSpec, protocol: 'chafon' | 'thingmagic'): Promise<void> {
    const { options } = this;
    const hostPath = reader.serialDevice ?? join(options.ptyDir, reader.id);
    mkdirSync(dirname(hostPath), { recursive: true });
    const pty = await startPtyPair(hostPath, `${hostPath}.sim`);
    this.ptys.push(pty);
    this.endpoints.push(
      await serveSerialReader({
        protocol: protocol,
        device: pty.readerPath,
        source: this.sourceFor(reader.id),
        clock: options.clock,
      }),
    );
    this.served.push({
      readerId: reader.id,
      protocol: protocol,
      address: hostPath,
      gatewayConfig: { id: reader.id, protocol: protocol, device: hostPath },
    });
    options.logger.info({ reader: reader.id, protocol: protocol, device: hostPath }, 'serial reader simulator ready');
  }

  async serveLlrp(reader: SimulatedReaderSpec): Promise<void> {
    const { options } = this;
    const basePort = options.llrpPort ?? 0;
    const simulator = await LlrpReaderSimulator.start({
      source: this.sourceFor(reader.id),
      clock: options.clock,
      port: reader.llrpPort ?? (basePort > 0 ? basePort + this.llrpReaders.length : 0),
      vendor: reader.llrpVendor,
      beams: new BeamPlayer(options.scenario, reader.id, options.clock, {
        loop: options.loop,
        speed: options.speed,
      }),
    });
    this.llrpReaders.push(simulator);
    this.served.push(llrpServed(reader.id, simulator));
    options.logger.info(
      { reader: reader.id, port: simulator.port, vendor: simulator.vendor },
      'LLRP reader simulator ready',
    );
  }

  async servePush(reader: SimulatedReaderSpec): Promise<void> {
    const endpoint = await servePushReader(reader, this.sourceFor(reader.id), this.options, this.pushEndpoints);
    this.served.push(endpoint.served);
    this.options.logger.info(
      { reader: reader.id, protocol: reader.protocol, address: endpoint.served.address },
      'push reader simulator ready',
    );
  }

  async serveOpcUa(readers: Array<{ name: string; source: ReadSource }>): Promise<void> {
    const { options } = this;
    const port =
      options.scenario.readers.find((reader) => reader.protocol === 'opcua' && reader.opcuaPort)?.opcuaPort ??
      options.opcuaPort;
    // node-opcua is heavy to import: only scenarios with OPC UA readers pay for it.
    const { startOpcUaSimulator } = await import('./opcua/server.js');
    const opcua = await startOpcUaSimulator({ port, readers, clock: options.clock, pkiDir: options.pkiDir });
    this.opcua = opcua;
    for (const reader of readers) {
      this.served.push({
        readerId: reader.name,
        protocol: 'opcua',
        address: opcua.endpointUrl,
        gatewayConfig: { id: reader.name, protocol: 'opcua', endpointUrl: opcua.endpointUrl, deviceName: reader.name },
      });
    }
    options.logger.info(
      { endpointUrl: opcua.endpointUrl, readers: readers.map((reader) => reader.name) },
      'OPC UA AutoID simulator ready',
    );
  }

  /** A `simulated` reader runs inside the gateway (stockwire-sim gateway): nothing to serve, only its config. */
  inProcess(reader: SimulatedReaderSpec): void {
    const { options } = this;
    this.served.push({
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
