/**
 * `npm run bench -- ingest`: the cloud's ingest hot path in one process, no MQTT — the parts the consumer runs per
 * group commit, fed the e2e bench's own documents (single-item receipts, 40 events per document, 5 documents =
 * 200 events per batch): validation (zod + eventID verification), mapping, the ledger's `applyBatch` (SQLite,
 * WAL, synchronous=FULL) and the EPCIS repository's insert (its own connection to the same file). Receiving is
 * not in it (no PO at these sites). Prints CPU and wall time per event for each part and in total, and the load.
 * Compare two checkouts by running the same file in each (the file uses only long-standing interfaces).
 *
 *   INGEST_BENCH_EVENTS=40000 node --import tsx scripts/bench.ts ingest
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalogFile } from '../../cloud/src/catalog-file.js';
import { eventRecord } from '../../cloud/src/epcis/event-record.js';
import { SqliteEpcisEventStore } from '../../cloud/src/epcis/sqlite-event-store.js';
import { mapEpcisDocument } from '../../cloud/src/ingest/epcis-to-transactions.js';
import { validateMessage } from '../../cloud/src/ingest/validate.js';
import { openLedgerStore } from '../../cloud/src/store/open.js';
import { buildEpcisDocument } from '../../shared/src/contracts/epcis.js';
import { gatewayTopic } from '../../shared/src/contracts/topics.js';
import { DEMO_CONFIG_DIR, movement } from './e2e/fleet.js';

const EVENTS_DEFAULT = 30_000;
const EVENTS_PER_DOCUMENT = 40;
const DOCUMENTS_PER_BATCH = 5;
const GATEWAYS = 100;
const SITES = 20;
const PARTS = ['validate', 'map', 'ledger', 'repository'] as const;
type Part = (typeof PARTS)[number];

interface Message {
  topic: string;
  payload: Buffer;
  siteId: string;
  gatewayId: string;
}

function messages(total: number): Message[] {
  const result: Message[] = [];
  const perGateway = Math.ceil(total / EVENTS_PER_DOCUMENT / GATEWAYS);
  for (let round = 0; round < perGateway; round++) {
    for (let gateway = 0; gateway < GATEWAYS && result.length * EVENTS_PER_DOCUMENT < total; gateway++) {
      const events = Array.from({ length: EVENTS_PER_DOCUMENT }, (_, k) =>
        movement(gateway, round * EVENTS_PER_DOCUMENT + k, 1, SITES),
      );
      const [siteId, gatewayId] = [`store-${(gateway % SITES) + 1}`, `bench-gw-${gateway}`];
      const document = buildEpcisDocument(events, { creationDate: new Date().toISOString(), gatewayId });
      const payload = Buffer.from(JSON.stringify(document));
      result.push({ topic: gatewayTopic(siteId, gatewayId, 'events'), payload, siteId, gatewayId });
    }
  }
  return result;
}

const cpuUs = (): number => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};

export async function run(): Promise<void> {
  const total = Number(process.env['INGEST_BENCH_EVENTS'] ?? EVENTS_DEFAULT);
  const catalog = loadCatalogFile(join(DEMO_CONFIG_DIR, 'catalog.yaml'));
  const all = messages(total);
  const directory = mkdtempSync(join(tmpdir(), 'stockwire-ingest-bench-'));
  const path = join(directory, 'cloud.sqlite');
  const store = await openLedgerStore({ kind: 'sqlite', path }, catalog);
  const repository = SqliteEpcisEventStore.open(path);
  const cpu = new Map<Part, number>(PARTS.map((part) => [part, 0]));
  const wall = new Map<Part, number>(PARTS.map((part) => [part, 0]));
  const timed = async <T>(part: Part, step: () => T | Promise<T>): Promise<T> => {
    const [cpu0, wall0] = [cpuUs(), performance.now()];
    const result = await step();
    cpu.set(part, (cpu.get(part) ?? 0) + cpuUs() - cpu0);
    wall.set(part, (wall.get(part) ?? 0) + (performance.now() - wall0) * 1_000);
    return result;
  };
  let applied = 0;
  const [cpuStart, wallStart] = [cpuUs(), performance.now()];
  let [cpuTotal, wallTotalUs, walBytes] = [0, 0, 0];
  try {
    for (let start = 0; start < all.length; start += DOCUMENTS_PER_BATCH) {
      const batch = all.slice(start, start + DOCUMENTS_PER_BATCH);
      const documents = await timed('validate', () =>
        batch.map((message) => {
          const validated = validateMessage(message.topic, message.payload, {
            payloadBytesMax: 1 << 24,
            verifyEventIds: true,
          });
          if (validated.kind !== 'events') throw new Error(`bench document invalid: ${validated.kind}`);
          return validated;
        }),
      );
      const transactions = await timed('map', () =>
        documents.flatMap(
          (validated) =>
            mapEpcisDocument(validated.document, { siteId: validated.siteId, gatewayId: validated.gatewayId }, catalog)
              .transactions,
        ),
      );
      const results = await timed('ledger', () => store.applyBatch(transactions));
      applied += results.filter((result) => result.status === 'applied').length;
      await timed('repository', () =>
        repository.insertEvents(
          documents.flatMap((validated) =>
            validated.document.epcisBody.eventList.map((event) =>
              eventRecord(event, {}, Date.now(), `mqtt:${validated.siteId}/${validated.gatewayId}`),
            ),
          ),
        ),
      );
    }
    walBytes = existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0;
    [cpuTotal, wallTotalUs] = [cpuUs() - cpuStart, (performance.now() - wallStart) * 1_000];
  } finally {
    await store.close();
    await repository.close();
    rmSync(directory, { recursive: true, force: true });
  }
  report(all.length * EVENTS_PER_DOCUMENT, applied, { cpu, wall, cpuTotal, wallTotalUs, walBytes });
}

interface Measured {
  cpu: ReadonlyMap<Part, number>;
  wall: ReadonlyMap<Part, number>;
  cpuTotal: number;
  wallTotalUs: number;
  walBytes: number;
}

function report(events: number, applied: number, measured: Measured): void {
  const { cpu, wall, cpuTotal, wallTotalUs, walBytes } = measured;
  const per = (us: number) => (us / events).toFixed(1);
  const load = loadavg().map((value) => value.toFixed(2));
  process.stdout.write(
    `ingest: ${events} single-item events (${applied} applied), ${DOCUMENTS_PER_BATCH * EVENTS_PER_DOCUMENT} per batch; load average ${load.join(' ')}\n` +
      PARTS.map(
        (part) =>
          `  ${part.padEnd(10)} cpu ${per(cpu.get(part) ?? 0)} µs/event, wall ${per(wall.get(part) ?? 0)} µs/event\n`,
      ).join('') +
      `  total      cpu ${per(cpuTotal)} µs/event, wall ${per(wallTotalUs)} µs/event = ${Math.round(events / (wallTotalUs / 1e6))} events/s; WAL at the end ${(walBytes / 1e6).toFixed(1)} MB\n`,
  );
}
