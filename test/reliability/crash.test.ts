import { describe, expect, it } from 'vitest';
import { runCrashScenario } from './crash-run.js';

/**
 * kill -9 at random moments (≥ 50 per test run): every movement the gateway
 * committed to its outbox reaches the consumer exactly once, in order, however
 * often the gateway dies. Duplicate deliveries are expected and deduped by
 * eventID, as the cloud ledger does. `npm run soak` runs 1,000 kills.
 */
const KILLS = Number(process.env['STOCKWIRE_CRASH_KILLS'] ?? 50);
const MOVEMENTS = Number(process.env['STOCKWIRE_CRASH_MOVEMENTS'] ?? 3_000);
const SEED = Number(process.env['STOCKWIRE_CRASH_SEED'] ?? 20_261_125);

describe('crash test: kill -9 at random moments', () => {
  it(`loses and duplicates nothing across ${KILLS} kills`, async () => {
    const outcome = await runCrashScenario({ kills: KILLS, movements: MOVEMENTS, seed: SEED });
    console.info(`crash test: ${JSON.stringify(outcome)}`);
    expect(outcome).toMatchObject({
      distinct: MOVEMENTS,
      inOrder: true,
      outboxLeft: 0,
      finalExit: { code: 0, signal: null },
    });
    // The cloud ledger holds every movement exactly once: one receipt entry and one EPC in stock per movement.
    expect(outcome.ledger).toMatchObject({
      entries: MOVEMENTS,
      onHand: String(MOVEMENTS),
      epcsInStock: MOVEMENTS,
      invariantsOk: true,
    });
  }, 300_000);
});
