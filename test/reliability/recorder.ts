import Database from 'better-sqlite3';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { EpcisDocumentSchema } from '../../shared/src/contracts/epcis.js';
import { EVENTS_SUBSCRIPTION } from '../../shared/src/contracts/topics.js';

/**
 * A test-only stand-in for the cloud consumer: records every delivered event in
 * SQLite keyed by eventID (duplicates counted, not stored twice) and acks only
 * after the row is committed, like the real consumer. It keeps these tests
 * independent of the ledger's catalogue; the ledger path itself has its own
 * end-to-end tests in cloud/.
 */
export interface Recorder {
  /** Distinct events, in first-arrival order. */
  eventIds(): string[];
  /** `stockwire:index` of each distinct event, in first-arrival order (fixtures number them). */
  indexes(): number[];
  distinctCount(): number;
  deliveries(): number;
  duplicates(): number;
  close(): Promise<void>;
}

export async function startRecorder(options: {
  url: string;
  databasePath: string;
  clientOptions?: IClientOptions;
}): Promise<Recorder> {
  const database = new Database(options.databasePath);
  database.pragma('journal_mode = WAL');
  database.exec(
    'CREATE TABLE IF NOT EXISTS received (arrival INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, event_index INTEGER)',
  );
  const insert = database.prepare('INSERT OR IGNORE INTO received (event_id, event_index) VALUES (?, ?)');
  let deliveries = 0;
  let duplicates = 0;
  const client: MqttClient = await mqtt.connectAsync(options.url, {
    clientId: 'test-recorder',
    clean: false,
    reconnectPeriod: 100,
    ...options.clientOptions,
  });
  client.handleMessage = (packet, done) => {
    const document = EpcisDocumentSchema.parse(JSON.parse(packet.payload.toString()));
    database.transaction(() => {
      for (const event of document.epcisBody.eventList) {
        deliveries += 1;
        const index = typeof event['stockwire:index'] === 'number' ? event['stockwire:index'] : null;
        if (insert.run(event.eventID, index).changes === 0) duplicates += 1;
      }
    })();
    done();
  };
  await client.subscribeAsync(EVENTS_SUBSCRIPTION, { qos: 1 });
  return {
    eventIds: () =>
      (database.prepare('SELECT event_id FROM received ORDER BY arrival').all() as { event_id: string }[]).map(
        (row) => row.event_id,
      ),
    indexes: () =>
      (database.prepare('SELECT event_index FROM received ORDER BY arrival').all() as { event_index: number }[]).map(
        (row) => row.event_index,
      ),
    distinctCount: () => (database.prepare('SELECT COUNT(*) AS n FROM received').get() as { n: number }).n,
    deliveries: () => deliveries,
    duplicates: () => duplicates,
    async close() {
      await client.endAsync(true);
      database.close();
    },
  };
}

export { until } from '../support/wait.js';
