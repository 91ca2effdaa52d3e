/**
 * Polling waits for tests that watch real brokers, readers and processes. Every
 * wait is bounded by `timeoutMs`; predicates are cheap and synchronous.
 */
const POLL_INTERVAL_MS = 20;

const sleep = (delayMs: number) => new Promise((resolve) => setTimeout(resolve, delayMs));

/** Polls `check` until it returns a value (not undefined); throws (naming `what`) after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(POLL_INTERVAL_MS);
  }
}

/** Resolves once `predicate` holds; throws (naming `what`) when it has not within `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  await waitFor(() => (predicate() ? true : undefined), timeoutMs, what);
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
