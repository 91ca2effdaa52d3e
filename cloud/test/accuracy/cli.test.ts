import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruthRecord } from '../../../shared/src/contracts/truth.js';
import { runAccuracyCli } from '../../src/accuracy/cli.js';
import { loadCatalogFile } from '../../src/catalog-file.js';
import { sgtinUrn } from '../../src/ledger/epc-product.js';
import { TransactionSchema, type TransactionInput } from '../../src/ledger/transactions.js';
import { openLedgerStore } from '../../src/store/open.js';

/** The CLI end to end on a real SQLite ledger and a hand-made truth file. */
const SERIAL = '00614141073467';
const BACKROOM = 'urn:stockwire:loc:store-1:backroom';
const SHELF = 'urn:stockwire:loc:store-1:shelf-1';
const epc = (serial: number) => sgtinUrn(SERIAL, 7, String(serial));
const at = (minutes: number) => new Date(Date.parse('2026-03-02T08:00:00Z') + minutes * 60_000).toISOString();

let directory = '';
let storePath = '';
let catalogPath = '';
let truthPath = '';

const record = (
  serial: number,
  minutes: number,
  event: TruthRecord['event'],
  location: string | null,
): TruthRecord => ({
  time: at(minutes),
  event,
  epc: epc(serial),
  product: SERIAL,
  location,
});

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'stockwire-accuracy-'));
  storePath = join(directory, 'ledger.sqlite');
  catalogPath = join(directory, 'catalog.yaml');
  truthPath = join(directory, 'truth.jsonl');
  writeFileSync(
    catalogPath,
    [
      'products:',
      `  - { gtin: "${SERIAL}", valuation: fifo, standardCost: "4.50" }`,
      'locations:',
      `  - { id: ${BACKROOM}, site: store-1, kind: backroom }`,
      `  - { id: ${SHELF}, site: store-1, kind: shelf }`,
      '',
    ].join('\n'),
  );
  // Physically: four items arrive (item 4's tag is never read), two are shelved, item 2 is stolen at minute 30.
  const truth = [
    ...[1, 2, 3, 4].map((serial) => record(serial, 0, 'arrive', BACKROOM)),
    record(1, 10, 'shelve', SHELF),
    record(2, 10, 'shelve', SHELF),
    record(2, 30, 'steal', null),
  ];
  const header = { truth: 'stockwire/truth/v1', scenario: 'hand-made', seed: 1, startTime: at(0) };
  writeFileSync(truthPath, [header, ...truth].map((line) => `${JSON.stringify(line)}\n`).join(''));
  // The books saw three of the four, and the shelving.
  const store = await openLedgerStore({ kind: 'sqlite', path: storePath }, loadCatalogFile(catalogPath));
  const transactions: TransactionInput[] = [
    { id: 'r1', type: 'receipt', location: BACKROOM, epcs: [epc(1), epc(2), epc(3)], time: at(0) },
    { id: 't1', type: 'transfer', from: BACKROOM, to: SHELF, epcs: [epc(1), epc(2)], time: at(10) },
  ];
  await store.applyBatch(transactions.map((input) => TransactionSchema.parse(input)));
  await store.close();
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; text: string }> {
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const code = await runAccuracyCli(args, output);
  return { code, text };
}

describe('stockwire-cloud accuracy', () => {
  it('answers --help', async () => {
    const { code, text } = await run('--help');
    expect(code).toBe(0);
    expect(text).toContain('--truth <file>');
  });

  it('measures the books against the truth at the end, naming each wrong position and why', async () => {
    const { code, text } = await run('--store', `sqlite:${storePath}`, '--truth', truthPath, '--catalog', catalogPath);
    expect(code).toBe(0);
    expect(text).toContain('truth: scenario hand-made, seed 1');
    expect(text).toContain('IRA (product × location exact match)  0.0 %  (0/2 records)');
    expect(text).toContain('EPC location accuracy                  50.0 %  (2/4 EPCs)');
    expect(text).toContain('shrink detected / actual               0/1');
    expect(text).toContain(
      `${SERIAL} @ ${BACKROOM}: book 1, true 2 — 1 not in the books (never read or never registered)`,
    );
    expect(text).toContain(`${SERIAL} @ ${SHELF}: book 2, true 1 — 1 theft not yet counted`);
  });

  it('measures as of --at, from the entries and the EPC histories (before the theft only the unread item is wrong)', async () => {
    const { code, text } = await run(
      '--store',
      `sqlite:${storePath}`,
      '--truth',
      truthPath,
      '--catalog',
      catalogPath,
      '--at',
      at(20),
      '--json',
    );
    expect(code).toBe(0);
    const report = JSON.parse(text.slice(text.indexOf('{'))) as Record<string, unknown>;
    expect(report).toMatchObject({ records: 2, matching: 1, unitError: '1', valueError: '4.5', epcsPlacedRight: 3 });
  });

  it.each([
    [
      'a truth line that is not a record',
      '{"time":"2026-03-02T08:00:00Z","event":"teleport"}',
      'SW_ACCURACY_TRUTH_LINE',
    ],
    ['a file without the header', JSON.stringify(record(1, 0, 'arrive', BACKROOM)), 'SW_ACCURACY_TRUTH_HEADER'],
  ])('refuses %s with a coded error (exit 1)', async (_name, body, code) => {
    const header = JSON.stringify({ truth: 'stockwire/truth/v1', scenario: 'x', seed: 1, startTime: at(0) });
    const file = join(directory, `bad-${code}.jsonl`);
    writeFileSync(file, code === 'SW_ACCURACY_TRUTH_LINE' ? `${header}\n${body}\n` : `${body}\n`);
    const result = await run('--store', `sqlite:${storePath}`, '--truth', file);
    expect(result.code).toBe(1);
    expect(result.text).toContain(code);
  });

  it('is a usage error without --truth or with a bad --at (exit 2)', async () => {
    expect((await run('--store', `sqlite:${storePath}`)).code).toBe(2);
    expect((await run('--store', `sqlite:${storePath}`, '--truth', truthPath, '--at', 'yesterday')).code).toBe(2);
  });
});
