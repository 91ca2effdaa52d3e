import { runFuzz } from '../test/fuzz/rounds.js';

/**
 * The long variant of the fuzz suite (part of `npm run soak`): 100 rounds of 200 API
 * bodies and 100 MQTT documents against the real cloud service, at most 15 minutes
 * (override: --rounds N --seed N). Exit 0 when no round saw a 5xx, a stalled ingest
 * or a failed `check`; 1 otherwise, with the seed to replay.
 */
function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? undefined : Number(process.argv[index + 1]);
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : fallback;
}

export async function run(): Promise<void> {
  const rounds = option('rounds', 100);
  const seed = option('seed', Date.now() % 1_000_000);
  console.log(`soak-fuzz: ${rounds} rounds, seed ${seed}`);
  const outcome = await runFuzz(
    {
      seed,
      rounds,
      requestsPerRound: 200,
      messagesPerRound: 100,
      timeBudgetMs: 15 * 60_000,
      stallBudgetMs: 5_000,
    },
    (line) => console.log(line),
  );
  console.log(`soak-fuzz: ${JSON.stringify({ ...outcome, failures: outcome.failures.length })}`);
  for (const failure of outcome.failures) console.log(`soak-fuzz: FAIL ${failure}`);
  const ok = outcome.failures.length === 0;
  console.log(ok ? 'soak-fuzz: PASS' : `soak-fuzz: FAIL (repeat with --seed ${seed})`);
  process.exitCode = ok ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
