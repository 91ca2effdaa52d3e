/**
 * Late and repeated reads from readers that buffer while the network is down and
 * replay afterwards (the Zebra IoT Connector keeps up to ~150K events). The gateway
 * stamps reads with its own clock (reader clocks drift or were never set), so the
 * reader's timestamp is used only relative to itself:
 * - skew: the smallest (receive − reader time) seen is the live offset (EdgeX's rule);
 *   a read whose reader time is older than `lateReadAgeMaxMs` after that correction is
 *   late: its pass is long over, so it is dropped and counted, not replayed as new.
 * - order: per (tag, antenna), a reader time at or before the last one forwarded is a
 *   repeat or out of order and is dropped, so a tag's last-read never goes backwards.
 * - a reader clock set backwards (reset to 2000 after a reboot) looks like an endless replay:
 *   when nothing but late reads arrived for `skewRelearnMs` (longer than any replay: 150K
 *   events at the slowest ~500/s take 5 min), the offset and the per-tag times are relearnt.
 */
export type ReadVerdict = 'fresh' | 'late' | 'repeated';

export class ReplayFilter {
  private offsetMinMs = Infinity;
  private readonly lastReaderTimeMs = new Map<string, number>();
  private lateSinceMs: number | null = null;
  relearns = 0;

  constructor(
    private readonly lateReadAgeMaxMs: number,
    /** Tag×antenna entries remembered; the oldest is forgotten past this. */
    private readonly tagsTrackedMax: number,
    private readonly skewRelearnMs: number,
  ) {}

  judge(epcHex: string, antenna: number, readerTimeMs: number | null, receiveMs: number): ReadVerdict {
    if (readerTimeMs === null) return 'fresh';
    this.offsetMinMs = Math.min(this.offsetMinMs, receiveMs - readerTimeMs);
    if (receiveMs - (readerTimeMs + this.offsetMinMs) > this.lateReadAgeMaxMs) {
      this.lateSinceMs ??= receiveMs;
      if (receiveMs - this.lateSinceMs < this.skewRelearnMs) return 'late';
      this.relearn(receiveMs - readerTimeMs);
    }
    this.lateSinceMs = null;
    const key = `${epcHex}/${antenna}`;
    const last = this.lastReaderTimeMs.get(key);
    if (last !== undefined && readerTimeMs <= last) return 'repeated';
    this.lastReaderTimeMs.delete(key);
    this.lastReaderTimeMs.set(key, readerTimeMs);
    if (this.lastReaderTimeMs.size > this.tagsTrackedMax) {
      const oldest = this.lastReaderTimeMs.keys().next().value;
      if (oldest !== undefined) this.lastReaderTimeMs.delete(oldest);
    }
    return 'fresh';
  }

  private relearn(offsetMs: number): void {
    this.offsetMinMs = offsetMs;
    this.lastReaderTimeMs.clear();
    this.lateSinceMs = null;
    this.relearns++;
  }
}
