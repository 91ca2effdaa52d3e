/**
 * The only doorway to wall-clock time and timers. Pure cores take `nowMs` as an
 * argument; daemons get a Clock; tests and replay step a ManualClock instead of sleeping.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  nowMs(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  setInterval(callback: () => void, periodMs: number): TimerHandle;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  setTimeout(callback, delayMs) {
    const handle = setTimeout(callback, delayMs);
    return { cancel: () => clearTimeout(handle) };
  },
  setInterval(callback, periodMs) {
    const handle = setInterval(callback, periodMs);
    return { cancel: () => clearInterval(handle) };
  },
};

interface ScheduledTimer {
  dueMs: number;
  periodMs: number | null;
  callback: () => void;
  cancelled: boolean;
  order: number;
}

/** A simulated clock: time moves only when `advanceTo` / `advanceBy` is called. */
export class ManualClock implements Clock {
  private currentMs: number;
  private timers: ScheduledTimer[] = [];
  private nextOrder = 0;

  constructor(startMs = 0) {
    this.currentMs = startMs;
  }

  nowMs(): number {
    return this.currentMs;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.schedule(callback, delayMs, null);
  }

  setInterval(callback: () => void, periodMs: number): TimerHandle {
    return this.schedule(callback, periodMs, Math.max(1, periodMs));
  }

  advanceBy(deltaMs: number): void {
    this.advanceTo(this.currentMs + deltaMs);
  }

  /** Fires due timers in time order, each seeing `nowMs()` equal to its due time. */
  advanceTo(targetMs: number): void {
    for (;;) {
      const due = this.timers
        .filter((timer) => !timer.cancelled && timer.dueMs <= targetMs)
        .sort((a, b) => a.dueMs - b.dueMs || a.order - b.order)[0];
      if (!due) break;
      this.currentMs = Math.max(this.currentMs, due.dueMs);
      if (due.periodMs === null) due.cancelled = true;
      else due.dueMs += due.periodMs;
      due.callback();
    }
    this.timers = this.timers.filter((timer) => !timer.cancelled);
    this.currentMs = Math.max(this.currentMs, targetMs);
  }

  private schedule(callback: () => void, delayMs: number, periodMs: number | null): TimerHandle {
    const timer: ScheduledTimer = {
      dueMs: this.currentMs + Math.max(0, delayMs),
      periodMs,
      callback,
      cancelled: false,
      order: this.nextOrder++,
    };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }
}
