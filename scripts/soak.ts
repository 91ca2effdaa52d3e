import { runCrashScenario } from '../test/reliability/crash-run.js';

/**
 * `npm run soak`: the crash test at scale. A child-process gateway is kill -9ed
 * at random moments 1,000 times (override: --kills N --movements N --seed N),
 * then must have delivered every movement exactly once, in order, with an empty
 * outbox. Exit 0 on success, 1 on any violation. Expect roughly 1 s per kill.
 */
function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? undefined : Number(process.argv[index + 1]);
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : fallback;
}

export async function run(): Promise<void> {
  const kills = option('kills', 1_000);
  const movements = option('movements', 50_000);
  const seed = option('seed', Date.now() % 1_000_000);
  console.log(`soak: ${kills} kills, ${movements} movements, seed ${seed}`);
  const outcome = await runCrashScenario({
    kills,
    movements,
    seed,
    progressEvery: 50,
    progress: (kill, distinct) => console.log(`soak: ${kill}/${kills} kills, ${distinct} movements delivered`),
  });
  console.log(`soak: ${JSON.stringify(outcome)}`);
  const ok =
    outcome.distinct === movements &&
    outcome.inOrder &&
    outcome.outboxLeft === 0 &&
    outcome.finalExit.code === 0 &&
    outcome.ledger.entries === movements &&
    outcome.ledger.epcsInStock === movements &&
    outcome.ledger.invariantsOk;
  console.log(ok ? 'soak: PASS — every movement exactly once, in order' : `soak: FAIL (repeat with --seed ${seed})`);
  process.exitCode = ok ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
