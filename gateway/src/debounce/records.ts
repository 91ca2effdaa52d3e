/**
 * Per-(owner, tag) evidence in typed arrays indexed by a slot number: the hot
 * path writes numbers into preallocated arrays and allocates nothing per read.
 * A slot belongs to one portal or shelf ("owner") and one tag.
 */
export const FLAG_PARKED = 1;
export const FLAG_CLAIMED = 2;
export const FLAG_PRESENT = 4;

export const SIDE_OUTSIDE = 0;
export const SIDE_INSIDE = 1;

export class RecordStore {
  capacity = 0;
  tag = new Int32Array(0);
  owner = new Int32Array(0);
  /** Index of the slot in its owner's slot list (swap-remove in O(1)). */
  position = new Int32Array(0);
  flags = new Uint8Array(0);
  readCount = new Int32Array(0);
  firstSeenMs = new Float64Array(0);
  lastSeenMs = new Float64Array(0);
  peakRssiDbm = new Float64Array(0);
  /** The engine clock (`nowMs`) at the first and the latest ingest: quiet and dwell are judged on these, not on reader time. */
  firstActivityMs = new Float64Array(0);
  activityMs = new Float64Array(0);
  /** Time origin for the weighted mean-time sums (the first read ingested). */
  anchorMs = new Float64Array(0);
  // Portal sides, two entries per slot (outside, inside); strong reads only.
  sideReadCount = new Int32Array(0);
  sideFirstMs = new Float64Array(0);
  sideLastMs = new Float64Array(0);
  /** Σ weight and Σ weight × (t − anchor): integers, so sums do not depend on read order. */
  sideWeight = new Float64Array(0);
  sideWeightedTime = new Float64Array(0);
  // Shelves.
  /** Bit i = seen in the i-th most recent closed round (i < windowRounds). */
  history = new Uint32Array(0);
  /** Bit k = read in round openRound + k (reads may arrive before their round's predecessor closed). */
  pendingRounds = new Uint8Array(0);
  missedRounds = new Int32Array(0);

  private readonly freeSlots: number[] = [];
  private used = 0;

  /** Arrays grow by doubling up to slotsMax (sizing them for slotsMax up front would reserve GBs for large limits). */
  constructor(public slotsMax: number) {}

  get size(): number {
    return this.used - this.freeSlots.length;
  }

  /** A zeroed slot, or -1 when slotsMax slots are in use. */
  allocate(tagId: number, ownerIndex: number, timeMs: number, nowMs: number = timeMs): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      if (this.used >= this.slotsMax) return -1;
      slot = this.used++;
      if (slot >= this.capacity) this.grow(slot + 1);
    }
    this.tag[slot] = tagId;
    this.owner[slot] = ownerIndex;
    this.flags[slot] = 0;
    this.readCount[slot] = 0;
    this.firstSeenMs[slot] = timeMs;
    this.lastSeenMs[slot] = timeMs;
    this.peakRssiDbm[slot] = -Infinity;
    this.firstActivityMs[slot] = nowMs;
    this.activityMs[slot] = nowMs;
    this.anchorMs[slot] = timeMs;
    for (let side = 0; side < 2; side++) {
      const index = slot * 2 + side;
      this.sideReadCount[index] = 0;
      this.sideFirstMs[index] = Infinity;
      this.sideLastMs[index] = -Infinity;
      this.sideWeight[index] = 0;
      this.sideWeightedTime[index] = 0;
    }
    this.history[slot] = 0;
    this.pendingRounds[slot] = 0;
    this.missedRounds[slot] = 0;
    return slot;
  }

  free(slot: number): void {
    this.tag[slot] = -1;
    this.owner[slot] = -1;
    this.freeSlots.push(slot);
  }

  /** Common evidence of every read: order-independent (min, max, sum). */
  touch(slot: number, timeMs: number, rssiDbm: number): void {
    this.readCount[slot] = (this.readCount[slot] ?? 0) + 1;
    if (timeMs < (this.firstSeenMs[slot] ?? 0)) this.firstSeenMs[slot] = timeMs;
    if (timeMs > (this.lastSeenMs[slot] ?? 0)) this.lastSeenMs[slot] = timeMs;
    if (rssiDbm > (this.peakRssiDbm[slot] ?? 0)) this.peakRssiDbm[slot] = rssiDbm;
  }

  private grow(minimum: number): void {
    const capacity = Math.min(Math.max(minimum, this.capacity * 2, 1024), Math.max(minimum, this.slotsMax));
    this.tag = grown(this.tag, capacity, Int32Array);
    this.owner = grown(this.owner, capacity, Int32Array);
    this.position = grown(this.position, capacity, Int32Array);
    this.flags = grown(this.flags, capacity, Uint8Array);
    this.readCount = grown(this.readCount, capacity, Int32Array);
    this.firstSeenMs = grown(this.firstSeenMs, capacity, Float64Array);
    this.lastSeenMs = grown(this.lastSeenMs, capacity, Float64Array);
    this.peakRssiDbm = grown(this.peakRssiDbm, capacity, Float64Array);
    this.firstActivityMs = grown(this.firstActivityMs, capacity, Float64Array);
    this.activityMs = grown(this.activityMs, capacity, Float64Array);
    this.anchorMs = grown(this.anchorMs, capacity, Float64Array);
    this.sideReadCount = grown(this.sideReadCount, capacity * 2, Int32Array);
    this.sideFirstMs = grown(this.sideFirstMs, capacity * 2, Float64Array);
    this.sideLastMs = grown(this.sideLastMs, capacity * 2, Float64Array);
    this.sideWeight = grown(this.sideWeight, capacity * 2, Float64Array);
    this.sideWeightedTime = grown(this.sideWeightedTime, capacity * 2, Float64Array);
    this.history = grown(this.history, capacity, Uint32Array);
    this.pendingRounds = grown(this.pendingRounds, capacity, Uint8Array);
    this.missedRounds = grown(this.missedRounds, capacity, Int32Array);
    this.capacity = capacity;
  }
}

type TypedArray = Int32Array | Uint8Array | Uint32Array | Float64Array;

function grown<T extends TypedArray>(array: T, capacity: number, Kind: new (length: number) => T): T {
  const next = new Kind(capacity);
  next.set(array);
  return next;
}

/** Slot lists per owner with O(1) removal (the last slot takes the removed one's place). */
export function addToList(records: RecordStore, list: number[], slot: number): void {
  records.position[slot] = list.length;
  list.push(slot);
}

export function removeFromList(records: RecordStore, list: number[], slot: number): void {
  const index = records.position[slot] ?? -1;
  const last = list.pop();
  if (last === undefined || index < 0) return;
  if (last !== slot && index < list.length) {
    list[index] = last;
    records.position[last] = index;
  }
}

/** Read weight for the mean-time trend: linear in dBm, integer so sums stay exact. */
export function readWeight(rssiDbm: number): number {
  const weight = Math.round(rssiDbm) + 100;
  return weight < 1 ? 1 : weight;
}

export function popCount(bits: number): number {
  let value = bits >>> 0;
  value -= (value >>> 1) & 0x55555555;
  value = (value & 0x33333333) + ((value >>> 2) & 0x33333333);
  return (((value + (value >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
