import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import type { MqttClient } from 'mqtt';
import { buildEpcisDocument } from '../../shared/src/contracts/epcis.js';
import { runLedgerCli } from '../../cloud/src/ledger-cli.js';
import { connectClient, DEMO_CONFIG_DIR, startCloudHarness, type CloudHarness } from '../support/cloud-harness.js';
import { receivingEvent } from '../support/epcis-events.js';
import { waitFor } from '../support/wait.js';
import { apiRequestArbitrary, mqttMessageArbitrary } from './arbitraries.js';

/**
 * The fuzz suite's engine: the real cloud service (real aedes, real SQLite, real HTTP)
 * takes rounds of random API bodies and MQTT documents; after each round it must show
 * zero 5xx answers, ingest not stalled (a fresh good document behind the junk books
 * within `stallBudgetMs`) and `stockwire-cloud check` OK. Bounded in rounds, inputs and
 * time; the same seed replays the same inputs.
 */
export interface FuzzOptions {
  seed: number;
  rounds: number;
  requestsPerRound: number;
  messagesPerRound: number;
  /** Stop starting new rounds after this long (the CI budget). */
  timeBudgetMs: number;
  stallBudgetMs: number;
}

export interface FuzzOutcome {
  rounds: number;
  requests: number;
  messages: number;
  statusCounts: Record<string, number>;
  /** SW_… codes of the refusals, to see which rules the inputs reached. */
  codeCounts: Record<string, number>;
  /** Dead letters by code, and events the consumer booked (the sentinels included). */
  deadLettered: Record<string, number>;
  eventsApplied: number;
  failures: string[];
  elapsedMs: number;
}

const WRITE_TOKEN = 'fuzz-write-token-0123456789';

async function postAll(harness: CloudHarness, requests: { path: string; body: unknown }[], outcome: FuzzOutcome) {
  for (const request of requests) {
    const response = await fetch(`${harness.cloud.httpUrl}${request.path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(request.body),
    });
    const text = await response.text();
    const bucket = response.status >= 500 ? '5xx' : String(response.status);
    outcome.statusCounts[bucket] = (outcome.statusCounts[bucket] ?? 0) + 1;
    const code = /"code":"(SW_[A-Z_]+)"/.exec(text)?.[1];
    if (code !== undefined) outcome.codeCounts[code] = (outcome.codeCounts[code] ?? 0) + 1;
    if (response.status >= 500)
      outcome.failures.push(
        `${response.status} on POST ${request.path} ${JSON.stringify(request.body)}: ${text.slice(0, 300)}`,
      );
  }
  outcome.requests += requests.length;
}

async function publishAll(
  clients: Map<string, MqttClient>,
  harness: CloudHarness,
  messages: { topic: string; payload: string }[],
) {
  for (const message of messages) {
    const gateway = message.topic.split('/')[3] ?? 'gw';
    const site = message.topic.split('/')[2] ?? 'site';
    let client = clients.get(`${site}/${gateway}`);
    if (!client)
      clients.set(`${site}/${gateway}`, (client = await connectClient(harness.mqttUrl, `fuzz-${site}-${gateway}`)));
    await client.publishAsync(message.topic, message.payload, { qos: 1 });
  }
}

/** A good receipt of a never-seen EPC, published behind the junk: it must book within the budget. */
async function assertNotStalled(
  harness: CloudHarness,
  sentinel: MqttClient,
  round: number,
  options: FuzzOptions,
  outcome: FuzzOutcome,
) {
  const before = harness.cloud.consumer.stats().eventsApplied;
  const event = receivingEvent({ epcList: [`urn:epc:id:sgtin:0614141.100003.${900_000 + round}`] });
  const document = buildEpcisDocument([event], { creationDate: '2026-11-25T10:00:01.000Z', gatewayId: 'sentinel' });
  const startedMs = performance.now();
  await sentinel.publishAsync('stockwire/v1/store-1/sentinel/events', JSON.stringify(document), { qos: 1 });
  try {
    await waitFor(
      () => (harness.cloud.consumer.stats().eventsApplied > before ? true : undefined),
      options.stallBudgetMs,
      'the sentinel',
    );
  } catch {
    outcome.failures.push(`round ${round}: ingest stalled (sentinel not booked within ${options.stallBudgetMs} ms)`);
  }
  return performance.now() - startedMs;
}

async function assertCheckOk(harness: CloudHarness, round: number, outcome: FuzzOutcome): Promise<void> {
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const store = `sqlite:${join(harness.dataDir, 'ledger.sqlite')}`;
  const code = await runLedgerCli(
    ['check', '--store', store, '--catalog', join(DEMO_CONFIG_DIR, 'catalog.yaml')],
    output,
  );
  if (code !== 0) outcome.failures.push(`round ${round}: stockwire-cloud check exit ${code}\n${text}`);
}

export async function runFuzz(
  options: FuzzOptions,
  log: (line: string) => void = () => undefined,
): Promise<FuzzOutcome> {
  const harness = await startCloudHarness({
    http: { publicRead: true, tokens: [{ token: WRITE_TOKEN, scopes: ['read', 'write'] }] },
  });
  const clients = new Map<string, MqttClient>();
  const outcome: FuzzOutcome = {
    rounds: 0,
    requests: 0,
    messages: 0,
    statusCounts: {},
    codeCounts: {},
    deadLettered: {},
    eventsApplied: 0,
    failures: [],
    elapsedMs: 0,
  };
  const startedMs = performance.now();
  try {
    const sentinel = await connectClient(harness.mqttUrl, 'sentinel');
    clients.set('sentinel', sentinel);
    for (let round = 0; round < options.rounds && performance.now() - startedMs < options.timeBudgetMs; round++) {
      const seed = options.seed + round;
      const requests = fc.sample(apiRequestArbitrary, { seed, numRuns: options.requestsPerRound });
      const messages = fc.sample(mqttMessageArbitrary, { seed, numRuns: options.messagesPerRound });
      await Promise.all([postAll(harness, requests, outcome), publishAll(clients, harness, messages)]);
      outcome.messages += messages.length;
      const sentinelMs = await assertNotStalled(harness, sentinel, round, options, outcome);
      await assertCheckOk(harness, round, outcome);
      outcome.rounds++;
      log(
        `fuzz round ${round} (seed ${seed}): ${requests.length} requests, ${messages.length} messages, sentinel booked in ${sentinelMs.toFixed(0)} ms, failures so far ${outcome.failures.length}`,
      );
      if (outcome.failures.length > 0) break;
    }
    const stats = harness.cloud.consumer.stats();
    outcome.deadLettered = stats.deadLettered;
    outcome.eventsApplied = stats.eventsApplied;
  } finally {
    for (const client of clients.values()) await client.endAsync();
    await harness.stop();
  }
  outcome.elapsedMs = performance.now() - startedMs;
  return outcome;
}
