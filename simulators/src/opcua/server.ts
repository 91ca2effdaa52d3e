import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  DataType,
  MessageSecurityMode,
  nodesets,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  StatusCodes,
  VariantArrayType,
  type ExtensionObject,
  type CallMethodResultOptions,
  type ISessionContext,
  type UADataType,
  type UAEventType,
  type UAObject,
  type UAVariable,
  type Variant,
} from 'node-opcua';
import type { Clock, TimerHandle } from '../../../shared/src/clock.js';
import type { FieldRead, ReadSource } from '../readers/read-source.js';

/**
 * An OPC UA server speaking OPC 30010 (AutoID) for simulated RFID readers: the
 * stock DI + AutoID nodesets shipped with node-opcua, one RfidReaderDeviceType
 * instance per reader under DI's DeviceSet, with Scan / ScanStart / ScanStop and
 * RfidScanEventType events carrying RfidScanResult[].
 */
export const AUTOID_NAMESPACE_URI = 'http://opcfoundation.org/UA/AutoID/';
export const DI_NAMESPACE_URI = 'http://opcfoundation.org/UA/DI/';

/** DeviceStatusEnumeration values (OPC 30010 §9.2.2). */
const DEVICE_STATUS_IDLE = 0;
const DEVICE_STATUS_SCANNING = 2;
/** AutoIdOperationStatusEnumeration SUCCESS. */
const OPERATION_STATUS_SUCCESS = 0;
/** A Scan call never blocks longer than this, whatever Duration the client asks for. */
export const SCAN_DURATION_MS_MAX = 60_000;
/** Scan results per event; a busy dock door is split over several events. */
export const SCAN_RESULTS_PER_EVENT_MAX = 500;

export interface SimulatedOpcUaReader {
  /** BrowseName of the RfidReaderDeviceType instance (also the event's DeviceName). */
  name: string;
  source: ReadSource;
}

export interface OpcUaSimulatorOptions {
  port: number;
  readers: readonly SimulatedOpcUaReader[];
  clock: Clock;
  /** PKI folder (own certificate, trusted/rejected client certificates); created if missing. */
  pkiDir: string;
  /** How often scan events are raised while scanning. */
  eventIntervalMs?: number;
  /** Lab default: accept any client certificate so Sign/SignAndEncrypt work out of the box. */
  acceptUnknownClientCertificates?: boolean;
}

export interface OpcUaSimulator {
  endpointUrl: string;
  port: number;
  stop(): Promise<void>;
}

/** A free loopback TCP port (node-opcua needs a concrete port to build its endpoint URLs). */
export async function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

class ReaderNode {
  private scanTimer: TimerHandle | null = null;
  private scanOwnerSessionId: string | null = null;
  scanEvents = 0;

  constructor(
    private readonly reader: SimulatedOpcUaReader,
    private readonly object: UAObject,
    private readonly deviceStatus: UAVariable | null,
    private readonly eventType: UAEventType,
    private readonly makeResult: (read: FieldRead) => ExtensionObject,
    private readonly clock: Clock,
    private readonly eventIntervalMs: number,
  ) {
    this.setStatus(DEVICE_STATUS_IDLE);
  }

  get scanning(): boolean {
    return this.scanTimer !== null;
  }

  scanStart(sessionId: string | null): boolean {
    if (this.scanning) return false;
    this.scanOwnerSessionId = sessionId;
    this.setStatus(DEVICE_STATUS_SCANNING);
    this.reader.source.take(); // reads from before the scan are not part of it
    this.scanTimer = this.clock.setInterval(() => this.raiseScanEvents(), this.eventIntervalMs);
    return true;
  }

  scanStop(): void {
    this.scanTimer?.cancel();
    this.scanTimer = null;
    this.scanOwnerSessionId = null;
    this.setStatus(DEVICE_STATUS_IDLE);
  }

  /** OPC 30010: a ScanStart scan ends with the session that started it. */
  sessionClosed(sessionId: string): void {
    if (this.scanOwnerSessionId === sessionId) this.scanStop();
  }

  async scan(durationMs: number): Promise<ExtensionObject[]> {
    this.setStatus(DEVICE_STATUS_SCANNING);
    this.reader.source.take();
    await new Promise<void>((resolve) =>
      this.clock.setTimeout(resolve, Math.min(Math.max(0, durationMs), SCAN_DURATION_MS_MAX)),
    );
    this.setStatus(DEVICE_STATUS_IDLE);
    return this.reader.source.isUnplugged() ? [] : this.reader.source.take().map(this.makeResult);
  }

  private raiseScanEvents(): void {
    if (this.reader.source.isUnplugged()) return;
    const reads = this.reader.source.take();
    for (let start = 0; start < reads.length; start += SCAN_RESULTS_PER_EVENT_MAX) {
      this.scanEvents++;
      this.object.raiseEvent(this.eventType, {
        deviceName: { dataType: DataType.String, value: this.reader.name },
        scanResult: {
          dataType: DataType.ExtensionObject,
          arrayType: VariantArrayType.Array,
          value: reads.slice(start, start + SCAN_RESULTS_PER_EVENT_MAX).map(this.makeResult),
        },
      });
    }
  }

  private setStatus(status: number): void {
    this.deviceStatus?.setValueFromSource({ dataType: DataType.Int32, value: status });
  }
}

function durationFrom(inputArguments: Variant[]): number {
  const settings = inputArguments[0]?.value as { duration?: number } | undefined;
  return typeof settings?.duration === 'number' && Number.isFinite(settings.duration) ? settings.duration : 0;
}

export async function startOpcUaSimulator(options: OpcUaSimulatorOptions): Promise<OpcUaSimulator> {
  const server = createOpcUaServer(options);
  await server.initialize();
  const addressSpace = server.engine.addressSpace;
  if (!addressSpace) throw new Error('node-opcua server has no address space after initialize()');
  const { autoIdIndex, readerType, eventType, scanResultType, deviceSet } = autoIdTypesOf(addressSpace);

  const makeResult = (read: FieldRead): ExtensionObject => {
    const epc = Buffer.from(read.epc, 'hex');
    const now = new Date(options.clock.nowMs());
    return addressSpace.constructExtensionObject(scanResultType, {
      codeType: 'EPC',
      // PC word: EPC length in words in the top five bits, no XPC.
      scanData: { epc: { PC: ((epc.length / 2) << 11) & 0xf800, uId: epc, XPC_W1: 0, XPC_W2: 0 } },
      timestamp: now,
      sighting: [{ antenna: read.antenna, strength: Math.round(read.rssiDbm), timestamp: now, currentPowerLevel: 30 }],
    });
  };

  const nodes: ReaderNode[] = [];
  for (const reader of options.readers) {
    const object = readerType.instantiate({
      browseName: reader.name,
      organizedBy: deviceSet,
      optionals: ['DeviceStatus', 'Scan', 'ScanStart', 'ScanStop'],
      eventNotifier: 1,
    }) as UAObject;
    const deviceStatus = object.getComponentByName('DeviceStatus', autoIdIndex) as UAVariable | null;
    const node = new ReaderNode(
      reader,
      object,
      deviceStatus,
      eventType,
      makeResult,
      options.clock,
      options.eventIntervalMs ?? 100,
    );
    nodes.push(node);
    bindScanMethods(object, node, autoIdIndex);
  }
  server.on('session_closed', (session: { nodeId?: { toString(): string } | null }) => {
    const sessionId = session.nodeId?.toString();
    if (sessionId) for (const node of nodes) node.sessionClosed(sessionId);
  });
  await server.start();
  return {
    endpointUrl: `opc.tcp://127.0.0.1:${options.port}`,
    port: options.port,
    async stop() {
      for (const node of nodes) node.scanStop();
      await server.shutdown(0);
    },
  };
}

/** node-opcua on 127.0.0.1 with the DI and AutoID nodesets, no security up to Basic256Sha256 SignAndEncrypt. */
function createOpcUaServer(options: OpcUaSimulatorOptions): OPCUAServer {
  const serverCertificateManager = new OPCUACertificateManager({
    rootFolder: join(options.pkiDir, 'server'),
    automaticallyAcceptUnknownCertificate: options.acceptUnknownClientCertificates ?? true,
  });
  return new OPCUAServer({
    port: options.port,
    hostname: '127.0.0.1',
    nodeset_filename: [nodesets.standard, nodesets.di, nodesets.autoId],
    serverCertificateManager,
    serverInfo: {
      applicationUri: 'urn:stockwire:simulator',
      productUri: 'urn:stockwire:simulator',
      applicationName: { text: 'stockwire reader simulator' },
    },
    securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
    securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
    allowAnonymous: true,
  });
}

/** The AutoID types and the DI DeviceSet the readers are instantiated from; missing ones mean a nodeset did not load. */
function autoIdTypesOf(addressSpace: NonNullable<OPCUAServer['engine']['addressSpace']>) {
  const autoIdIndex = addressSpace.getNamespaceIndex(AUTOID_NAMESPACE_URI);
  const diIndex = addressSpace.getNamespaceIndex(DI_NAMESPACE_URI);
  const readerType = addressSpace.findObjectType('RfidReaderDeviceType', autoIdIndex);
  const eventType = addressSpace.findEventType('RfidScanEventType', autoIdIndex);
  const scanResultType: UADataType | null = addressSpace.findDataType('RfidScanResult', autoIdIndex);
  const deviceSet = addressSpace.rootFolder.objects.getFolderElementByName('DeviceSet', diIndex);
  if (!readerType || !eventType || !scanResultType || !deviceSet)
    throw new Error(
      'the AutoID/DI nodesets did not load (RfidReaderDeviceType, RfidScanEventType or DeviceSet missing)',
    );
  return { autoIdIndex, readerType, eventType, scanResultType, deviceSet };
}

/**
 * The AutoID methods a client calls on a reader object: ScanStart/ScanStop (one session owns a scan) and Scan.
 * Each handler keeps both parameters: node-opcua tells a promise method (2) from a callback one (3) by arity.
 */
function bindScanMethods(object: UAObject, node: ReaderNode, autoIdIndex: number): void {
  const sessionIdOf = (context: ISessionContext): string | null => context.session?.getSessionId().toString() ?? null;
  object
    .getMethodByName('ScanStart', autoIdIndex)
    ?.bindMethod(async (_inputArguments: Variant[], context: ISessionContext): Promise<CallMethodResultOptions> => {
      if (!node.scanStart(sessionIdOf(context))) return { statusCode: StatusCodes.BadInvalidState };
      return {
        statusCode: StatusCodes.Good,
        outputArguments: [{ dataType: DataType.Int32, value: OPERATION_STATUS_SUCCESS }],
      };
    });
  object
    .getMethodByName('ScanStop', autoIdIndex)
    ?.bindMethod(async (_inputArguments: Variant[], _context: ISessionContext): Promise<CallMethodResultOptions> => {
      node.scanStop();
      return { statusCode: StatusCodes.Good, outputArguments: [] };
    });
  object
    .getMethodByName('Scan', autoIdIndex)
    ?.bindMethod(async (inputArguments: Variant[], _context: ISessionContext): Promise<CallMethodResultOptions> => {
      if (node.scanning) return { statusCode: StatusCodes.BadInvalidState };
      const results = await node.scan(durationFrom(inputArguments));
      return {
        statusCode: StatusCodes.Good,
        outputArguments: [
          { dataType: DataType.ExtensionObject, arrayType: VariantArrayType.Array, value: results },
          { dataType: DataType.Int32, value: OPERATION_STATUS_SUCCESS },
        ],
      };
    });
}
