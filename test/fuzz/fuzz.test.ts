import { describe, expect, it } from 'vitest';
import { runFuzz } from './rounds.js';

/**
 * The standing fuzz suite (issue 12, docs/security.md), bounded for CI: a few rounds
 * of random API bodies and MQTT documents against the real cloud service, ~40 s at
 * most. `npm run soak` runs the long variant; FUZZ_SEED replays a failing seed.
 */
describe('fuzz: hostile API bodies and MQTT documents', () => {
  it('answers no 5xx, never stalls ingest and keeps the ledger checkable', async () => {
    const seed = Number(process.env['FUZZ_SEED'] ?? 20_261_204);
    const outcome = await runFuzz(
      { seed, rounds: 4, requestsPerRound: 60, messagesPerRound: 40, timeBudgetMs: 30_000, stallBudgetMs: 5_000 },
      (line) => console.log(line),
    );
    console.log(`fuzz (seed ${seed}): ${JSON.stringify({ ...outcome, failures: outcome.failures.length })}`);
    expect(outcome.failures).toEqual([]);
    expect(outcome.rounds).toBeGreaterThan(0);
    expect(outcome.statusCounts['5xx'] ?? 0).toBe(0);
    // Enough inputs get through validation to exercise the ledger, not only the schemas.
    expect((outcome.statusCounts['201'] ?? 0) + (outcome.statusCounts['200'] ?? 0)).toBeGreaterThan(
      outcome.requests / 10,
    );
  }, 90_000);
});
