/**
 * Polling waits for tests that watch real brokers, readers and processes. Every
 * wait is bounded by `timeoutMs`; predicates are cheap and synchronous.
 */
const POLL_INTERVAL_MS = 20;

const sleep = (delayMs: number) => new Promise((resolve) => setTimeout(resolve, delayMs));

/** Resolves once `predicate` holds; throws (naming `what`) when it has not within `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(POLL_INTERVAL_MS);
  }
}

/** Whether `predicate` held within `timeoutMs` (checked once more at the deadline), for `expect(...).toBe(true)`. */
export async function holdsWithin(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await sleep(POLL_INTERVAL_MS);
  }
  return predicate();
}
