import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../shared/src/log.js';
import { createNotifier, oneLine, watchdogPingIntervalMs } from '../../src/systemd/notify.js';
import { watchdogVerdict } from '../../src/systemd/watchdog.js';

describe('watchdog verdict (pure)', () => {
  const base = {
    nowMs: 10_000,
    lastTickMs: 9_900,
    tickIntervalMs: 200,
    readersDownSinceMs: [null, null],
    readerDownMaxMs: 60_000,
  };
  it.each([
    { name: 'a fresh tick and connected readers', input: base, healthy: true },
    { name: 'a tick four intervals late', input: { ...base, lastTickMs: 10_000 - 801 }, healthy: false },
    { name: 'a reader down briefly', input: { ...base, readersDownSinceMs: [5_000, null] }, healthy: true },
    {
      name: 'a reader down past the limit',
      input: { ...base, nowMs: 100_000, lastTickMs: 99_900, readersDownSinceMs: [1_000, null] },
      healthy: false,
    },
    {
      name: 'a reader down forever with the check disabled',
      input: { ...base, readerDownMaxMs: 0, readersDownSinceMs: [-1e9] },
      healthy: true,
    },
    { name: 'no readers at all', input: { ...base, readersDownSinceMs: [] }, healthy: true },
  ])('$name → healthy $healthy', ({ input, healthy }) => {
    expect(watchdogVerdict(input).healthy).toBe(healthy);
  });
});

describe('notifier', () => {
  it.each([
    { environment: { WATCHDOG_USEC: '10000000' }, pid: 5, intervalMs: 5_000 },
    { environment: { WATCHDOG_USEC: '10000000', WATCHDOG_PID: '5' }, pid: 5, intervalMs: 5_000 },
    { environment: { WATCHDOG_USEC: '10000000', WATCHDOG_PID: '6' }, pid: 5, intervalMs: null },
    { environment: {}, pid: 5, intervalMs: null },
  ])('pings every half WatchdogSec: $environment → $intervalMs', ({ environment, pid, intervalMs }) => {
    expect(watchdogPingIntervalMs(environment, pid)).toBe(intervalMs);
  });

  it('is a no-op outside systemd and keeps STATUS on one line', () => {
    const sent: string[] = [];
    const outside = createNotifier({
      logger: silentLogger(),
      environment: {},
      sender: (message) => sent.push(message),
    });
    outside.ready('x');
    expect(outside.enabled).toBe(false);
    expect(sent).toEqual([]);
    const inside = createNotifier({
      logger: silentLogger(),
      environment: { NOTIFY_SOCKET: '/run/x' },
      sender: (message) => sent.push(message),
    });
    inside.status('a\nb');
    inside.stopping('bye');
    expect(sent).toEqual(['STATUS=a b', 'STOPPING=1\nSTATUS=bye']);
    expect(oneLine('x'.repeat(1_000))).toHaveLength(400);
  });
});
