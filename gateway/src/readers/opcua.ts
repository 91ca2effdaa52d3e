import type { ClientSession, ClientSubscription, ExtensionObject, NodeId, OPCUAClient, Variant } from 'node-opcua';
import { z } from 'zod';
import { makeError } from '../../../shared/src/errors.js';
import { BaseReaderDriver, type DriverDeps } from './base.js';
import type { OpcUaReaderConfig } from './config.js';
import { ReaderErrors } from './errors.js';

/**
 * OPC UA AutoID (OPC 30010) client: finds an RfidReaderDeviceType under DI's
 * DeviceSet (namespaces resolved by URI, never by index), then either
 * `subscription` mode — ScanStart + RfidScanEventType events — or `poll` mode —
 * Scan(Duration) in a loop. ScanStop on shutdown. node-opcua's own reconnection is
 * off (maxRetry 0): the base driver's backoff rebuilds client, session and
 * subscription, so a restarted server (which forgot every subscription) is re-armed.
 */
export const AUTOID_NAMESPACE_URI = 'http://opcfoundation.org/UA/AutoID/';
export const DI_NAMESPACE_URI = 'http://opcfoundation.org/UA/DI/';
/** Numeric ids fixed by the AutoID nodeset (stable within its namespace). */
const AUTOID_RFID_READER_DEVICE_TYPE = 1003;
const AUTOID_SCAN_SETTINGS_TYPE = 3010;
/** Reads without a Sighting still count, with an unknown antenna and this strength. */
const NO_SIGHTING_RSSI_DBM = -90;
const EVENT_QUEUE_SIZE_MAX = 1_000;

const SightingSchema = z.object({ antenna: z.number().int(), strength: z.number() }).passthrough();
const ScanResultSchema = z
  .object({
    scanData: z
      .object({
        epc: z
          .object({ uId: z.instanceof(Buffer).nullish() })
          .passthrough()
          .nullish(),
        byteString: z.instanceof(Buffer).nullish(),
        string: z.string().nullish(),
      })
      .passthrough(),
    sighting: z.array(SightingSchema).nullish(),
  })
  .passthrough();

const STRENGTH_DIVISOR = { dbm: 1, dbm10: 10, dbm100: 100 } as const;

type NodeOpcUa = typeof import('node-opcua');
let nodeOpcUa: Promise<NodeOpcUa> | null = null;

/** node-opcua takes ~1 s to import; load it only when an OPC UA reader actually connects. */
function loadNodeOpcUa(): Promise<NodeOpcUa> {
  nodeOpcUa ??= import('node-opcua');
  return nodeOpcUa;
}

export class OpcUaReaderDriver extends BaseReaderDriver {
  private client: OPCUAClient | null = null;
  private session: ClientSession | null = null;
  private subscription: ClientSubscription | null = null;
  private readerNodeId: NodeId | null = null;
  private methodIds: { scan: NodeId; scanStart: NodeId; scanStop: NodeId } | null = null;
  private autoIdIndex = 0;
  private pollGeneration = 0;
  private ua: NodeOpcUa | null = null;

  constructor(
    private readonly config: OpcUaReaderConfig,
    deps: DriverDeps,
  ) {
    super(config.id, 'opcua', config.reconnect, config.rssiOffsetDbm, deps);
  }

  protected async openLink(): Promise<void> {
    const ua = await loadNodeOpcUa();
    this.ua = ua;
    const { MessageSecurityMode, OPCUACertificateManager, OPCUAClient, SecurityPolicy, UserTokenType } = ua;
    const client = OPCUAClient.create({
      applicationName: 'stockwire-gateway',
      // One URI for every reader: it must match the subjectAltName of the client certificate in pkiDir.
      applicationUri: 'urn:stockwire:gateway',
      securityMode: MessageSecurityMode[this.config.securityMode],
      securityPolicy: SecurityPolicy[this.config.securityPolicy],
      endpointMustExist: false,
      keepSessionAlive: true,
      requestedSessionTimeout: 60_000,
      defaultTransactionTimeout: this.config.requestTimeoutMs + this.config.scanDurationMs,
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 1_000 },
      ...(this.config.pkiDir
        ? {
            clientCertificateManager: new OPCUACertificateManager({
              rootFolder: this.config.pkiDir,
              automaticallyAcceptUnknownCertificate: this.config.trustUnknownServerCertificate,
            }),
          }
        : {}),
      ...(this.config.certificateFile ? { certificateFile: this.config.certificateFile } : {}),
      ...(this.config.privateKeyFile ? { privateKeyFile: this.config.privateKeyFile } : {}),
    });
    this.client = client;
    client.on('connection_lost', () =>
      this.linkLost(new Error(`OPC UA connection to ${this.config.endpointUrl} lost`)),
    );
    await client.connect(this.config.endpointUrl);
    const session = await client.createSession(
      this.config.username
        ? { type: UserTokenType.UserName, userName: this.config.username, password: this.config.password ?? '' }
        : { type: UserTokenType.Anonymous },
    );
    this.session = session;
    session.on('session_closed', () => this.linkLost(new Error('OPC UA session closed by the server')));
    session.on('keepalive_failure', () => this.linkLost(new Error('OPC UA session keep-alive failed')));
    await this.resolveDevice(session);
  }

  protected async closeLink(): Promise<void> {
    this.pollGeneration++;
    const subscription = this.subscription;
    const session = this.session;
    const client = this.client;
    this.subscription = null;
    this.session = null;
    this.client = null;
    await subscription?.terminate().catch(() => undefined);
    await session?.close().catch(() => undefined);
    await client?.disconnect().catch(() => undefined);
  }

  protected async startInventory(): Promise<void> {
    const session = this.requireSession();
    const { AttributeIds, ClientMonitoredItem, constructEventFilter, NodeId, StatusCodes, TimestampsToReturn } =
      this.requireUa();
    if (this.config.mode === 'poll') {
      const generation = ++this.pollGeneration;
      void this.pollLoop(generation);
      return;
    }
    const subscription = await session.createSubscription2({
      requestedPublishingInterval: 100,
      requestedMaxKeepAliveCount: 10,
      requestedLifetimeCount: 100,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 1,
    });
    this.subscription = subscription;
    const filter = constructEventFilter([
      'EventType',
      { namespaceIndex: this.autoIdIndex, name: 'DeviceName' },
      { namespaceIndex: this.autoIdIndex, name: 'ScanResult' },
    ]);
    const item = ClientMonitoredItem.create(
      subscription,
      { nodeId: this.readerNodeId ?? NodeId.nullNodeId, attributeId: AttributeIds.EventNotifier },
      { queueSize: EVENT_QUEUE_SIZE_MAX, filter, discardOldest: true, samplingInterval: 0 },
      TimestampsToReturn.Neither,
    );
    item.on('changed', (fields: Variant | Variant[]) => this.onScanEvent(Array.isArray(fields) ? fields : [fields]));
    const result = await this.callMethod('ScanStart', [this.scanSettings(0)]);
    // Someone (or our previous session, not yet timed out) is already scanning: its events reach us too.
    if (result === StatusCodes.BadInvalidState.value)
      this.log.warn('ScanStart: reader already scanning; consuming its events');
  }

  protected async stopInventory(): Promise<void> {
    this.pollGeneration++;
    if (this.config.mode === 'subscription' && this.session) {
      await this.callMethod('ScanStop', []).catch((error: unknown) => this.noteError(error));
      const subscription = this.subscription;
      this.subscription = null;
      await subscription?.terminate().catch(() => undefined);
    }
  }

  private async pollLoop(generation: number): Promise<void> {
    const { NodeId } = this.requireUa();
    while (generation === this.pollGeneration && this.session) {
      try {
        const session = this.requireSession();
        const ids = this.requireMethods();
        const result = await session.call({
          objectId: this.readerNodeId ?? NodeId.nullNodeId,
          methodId: ids.scan,
          inputArguments: [this.scanSettings(this.config.scanDurationMs)],
        });
        if (generation !== this.pollGeneration) return;
        if (result.statusCode.isGood()) this.handleScanResults(result.outputArguments?.[0]?.value);
        else
          this.noteError(
            makeError(ReaderErrors.OPCUA_CALL, {
              method: 'Scan',
              readerId: this.readerId,
              status: result.statusCode.toString(),
            }),
          );
      } catch (error) {
        if (generation !== this.pollGeneration) return;
        this.linkLost(error);
        return;
      }
      if (this.config.pollIntervalMs > 0)
        await new Promise<void>((resolve) => this.deps.clock.setTimeout(resolve, this.config.pollIntervalMs));
    }
  }

  private onScanEvent(fields: Variant[]): void {
    this.handleScanResults(fields[2]?.value);
  }

  private handleScanResults(value: unknown): void {
    const results: unknown[] = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
    const divisor = STRENGTH_DIVISOR[this.config.strengthScale];
    for (const candidate of results) {
      const parsed = ScanResultSchema.safeParse(candidate);
      const epc = parsed.success
        ? (parsed.data.scanData.epc?.uId ??
          parsed.data.scanData.byteString ??
          (parsed.data.scanData.string ? Buffer.from(parsed.data.scanData.string, 'hex') : null))
        : null;
      if (!parsed.success || !epc || epc.length === 0) {
        this.countFrameBad(
          makeError(ReaderErrors.BAD_FRAME, { readerId: this.readerId, reason: 'ScanResult without an EPC' }).message,
        );
        continue;
      }
      this.countFrameOk();
      const sightings = parsed.data.sighting ?? [];
      if (sightings.length === 0) this.emitRead(epc.toString('hex'), 0, NO_SIGHTING_RSSI_DBM);
      for (const sighting of sightings)
        this.emitRead(epc.toString('hex'), Math.max(0, Math.min(255, sighting.antenna)), sighting.strength / divisor);
    }
  }

  /** ScanSettings extension objects, built once per session from the server's own DataTypeDefinition. */
  private readonly scanSettingsByDurationMs = new Map<number, ExtensionObject>();

  private scanSettings(durationMs: number): { dataType: number; value: ExtensionObject | null } {
    return {
      dataType: this.requireUa().DataType.ExtensionObject,
      value: this.scanSettingsByDurationMs.get(durationMs) ?? null,
    };
  }

  private async buildScanSettings(session: ClientSession, durationMs: number): Promise<void> {
    const { NodeId } = this.requireUa();
    const settingsType = new NodeId(NodeId.NodeIdType.NUMERIC, AUTOID_SCAN_SETTINGS_TYPE, this.autoIdIndex);
    this.scanSettingsByDurationMs.set(
      durationMs,
      await session.constructExtensionObject(settingsType, { duration: durationMs, cycles: 0, dataAvailable: false }),
    );
  }

  private async callMethod(
    name: 'ScanStart' | 'ScanStop',
    inputArguments: Array<{ dataType: number; value: ExtensionObject | null }>,
  ): Promise<number> {
    const { NodeId, StatusCodes } = this.requireUa();
    const session = this.requireSession();
    const ids = this.requireMethods();
    const methodId = name === 'ScanStart' ? ids.scanStart : ids.scanStop;
    const result = await session.call({ objectId: this.readerNodeId ?? NodeId.nullNodeId, methodId, inputArguments });
    if (!result.statusCode.isGood() && result.statusCode.value !== StatusCodes.BadInvalidState.value) {
      throw makeError(ReaderErrors.OPCUA_CALL, {
        method: name,
        readerId: this.readerId,
        status: result.statusCode.toString(),
      });
    }
    return result.statusCode.value;
  }

  private async resolveDevice(session: ClientSession): Promise<void> {
    const { BrowseDirection, makeBrowsePath, NodeId } = this.requireUa();
    const namespaces = await session.readNamespaceArray();
    const autoIdIndex = namespaces.indexOf(AUTOID_NAMESPACE_URI);
    const diIndex = namespaces.indexOf(DI_NAMESPACE_URI);
    const noDevice = () =>
      makeError(ReaderErrors.OPCUA_NO_DEVICE, {
        endpointUrl: this.config.endpointUrl,
        deviceName: this.config.deviceName ?? '(any)',
        namespaceUri: AUTOID_NAMESPACE_URI,
      });
    if (autoIdIndex < 0 || diIndex < 0) throw noDevice();
    this.autoIdIndex = autoIdIndex;
    const deviceSet = await session.translateBrowsePath(makeBrowsePath('ObjectsFolder', `/${diIndex}:DeviceSet`));
    const deviceSetId = deviceSet.targets?.[0]?.targetId;
    if (!deviceSetId) throw noDevice();
    const children = await session.browse({
      nodeId: deviceSetId,
      browseDirection: BrowseDirection.Forward,
      includeSubtypes: true,
      resultMask: 63,
    });
    const readerType = new NodeId(NodeId.NodeIdType.NUMERIC, AUTOID_RFID_READER_DEVICE_TYPE, autoIdIndex);
    const device = (children.references ?? []).find(
      (reference) =>
        reference.typeDefinition.toString() === readerType.toString() &&
        (this.config.deviceName === undefined || reference.browseName.name === this.config.deviceName),
    );
    if (!device) throw noDevice();
    this.readerNodeId = device.nodeId;
    const paths = await session.translateBrowsePath(
      ['Scan', 'ScanStart', 'ScanStop'].map((name) => makeBrowsePath(device.nodeId, `.${autoIdIndex}:${name}`)),
    );
    const [scan, scanStart, scanStop] = paths.map((path) => path.targets?.[0]?.targetId);
    if (!scan || !scanStart || !scanStop) throw noDevice();
    this.methodIds = { scan, scanStart, scanStop };
    this.scanSettingsByDurationMs.clear();
    await this.buildScanSettings(session, 0);
    if (this.config.mode === 'poll') await this.buildScanSettings(session, this.config.scanDurationMs);
  }

  private requireUa(): NodeOpcUa {
    if (!this.ua) throw new Error('node-opcua is not loaded (connect first)');
    return this.ua;
  }

  private requireSession(): ClientSession {
    if (!this.session) throw new Error('OPC UA session is not open');
    return this.session;
  }

  private requireMethods(): { scan: NodeId; scanStart: NodeId; scanStop: NodeId } {
    if (!this.methodIds) throw new Error('OPC UA reader methods are not resolved');
    return this.methodIds;
  }
}
