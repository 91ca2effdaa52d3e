import { createEpcResolver, type EpcResolver, type TagMapEntry } from '../../../shared/src/epc/index.js';
import type { DebounceConfig } from './config.js';
import type { RecordStore } from './records.js';

export const TAG_KIND_OTHER = 0;
export const TAG_KIND_SGTIN = 1;
export const TAG_KIND_SSCC = 2;

/**
 * Interns EPC hex strings to small integers so the hot path works on typed
 * arrays, and decodes each EPC once (when first seen), not once per read.
 * A tag id is freed when no portal or shelf record refers to it any more, so
 * the table holds live tags only (bounded by liveTagsMax).
 */
export class TagTable {
  private readonly idsByHex = new Map<string, number>();
  private readonly freeIds: number[] = [];
  private nextId = 0;
  hexById: string[] = [];
  urnById: string[] = [];
  kindById: Uint8Array;
  /** The slot this tag was last read into: spares the per-owner Map lookup on the hot path. */
  lastSlotById: Int32Array;
  private referenceCounts: Int32Array;
  private resolver: EpcResolver;

  constructor(
    public liveTagsMax: number,
    tagMap: DebounceConfig['tagMap'],
  ) {
    const capacity = Math.min(liveTagsMax, 1024);
    this.kindById = new Uint8Array(capacity);
    this.lastSlotById = new Int32Array(capacity).fill(-1);
    this.referenceCounts = new Int32Array(capacity);
    this.resolver = createEpcResolver(tagMapEntries(tagMap));
  }

  get size(): number {
    return this.idsByHex.size;
  }

  /** The id of a known tag, or -1. */
  lookup(hex: string): number {
    const id = this.idsByHex.get(hex);
    return id === undefined ? -1 : id;
  }

  /** Interns a new tag; -1 when liveTagsMax tags are already tracked. */
  intern(hex: string): number {
    if (this.idsByHex.size >= this.liveTagsMax) return -1;
    const id = this.freeIds.pop() ?? this.nextId++;
    if (id >= this.kindById.length) this.grow(id + 1);
    const decoding = this.resolver(hex);
    this.idsByHex.set(hex, id);
    this.hexById[id] = hex;
    this.urnById[id] = decoding.urn;
    this.kindById[id] = kindOf(decoding.urn);
    this.lastSlotById[id] = -1;
    this.referenceCounts[id] = 0;
    return id;
  }

  retain(id: number): void {
    this.referenceCounts[id] = (this.referenceCounts[id] ?? 0) + 1;
  }

  release(id: number): void {
    const remaining = (this.referenceCounts[id] ?? 0) - 1;
    this.referenceCounts[id] = remaining;
    if (remaining > 0) return;
    const hex = this.hexById[id];
    if (hex !== undefined) this.idsByHex.delete(hex);
    this.hexById[id] = '';
    this.urnById[id] = '';
    this.freeIds.push(id);
  }

  /** A tag interned but never attached to a record (e.g. its read was filtered) is dropped again. */
  releaseIfUnreferenced(id: number): void {
    if ((this.referenceCounts[id] ?? 0) === 0) {
      this.referenceCounts[id] = 1;
      this.release(id);
    }
  }

  /** New tag map (SIGHUP): live tags are decoded again so one tag never has two URNs at once. */
  setTagMap(tagMap: DebounceConfig['tagMap']): void {
    this.resolver = createEpcResolver(tagMapEntries(tagMap));
    for (const [hex, id] of this.idsByHex) {
      const urn = this.resolver(hex).urn;
      this.urnById[id] = urn;
      this.kindById[id] = kindOf(urn);
    }
  }

  private grow(minimum: number): void {
    const capacity = Math.min(Math.max(minimum, this.kindById.length * 2), Math.max(minimum, this.liveTagsMax));
    const kinds = new Uint8Array(capacity);
    kinds.set(this.kindById);
    this.kindById = kinds;
    const counts = new Int32Array(capacity);
    counts.set(this.referenceCounts);
    this.referenceCounts = counts;
    const lastSlots = new Int32Array(capacity).fill(-1);
    lastSlots.set(this.lastSlotById);
    this.lastSlotById = lastSlots;
  }
}

/**
 * The owner's slot for a tag, or undefined. Checks the tag's last slot first (a
 * freed or reused slot no longer carries this tag and owner, so a stale hint is
 * harmless), then the owner's Map.
 */
export function slotOf(
  records: RecordStore,
  tags: TagTable,
  ownerIndex: number,
  slotsByTag: Map<number, number>,
  tagId: number,
): number | undefined {
  const hint = tags.lastSlotById[tagId] ?? -1;
  if (hint >= 0 && records.tag[hint] === tagId && records.owner[hint] === ownerIndex) return hint;
  const slot = slotsByTag.get(tagId);
  if (slot !== undefined) tags.lastSlotById[tagId] = slot;
  return slot;
}

function kindOf(urn: string): number {
  if (urn.startsWith('urn:epc:id:sgtin:')) return TAG_KIND_SGTIN;
  if (urn.startsWith('urn:epc:id:sscc:')) return TAG_KIND_SSCC;
  return TAG_KIND_OTHER;
}

export function tagMapEntries(tagMap: DebounceConfig['tagMap']): TagMapEntry[] {
  return Object.entries(tagMap).map(([prefix, value]) =>
    typeof value === 'string'
      ? { prefix, gtin: value, companyPrefixDigits: 7 }
      : { prefix, gtin: value.gtin, companyPrefixDigits: value.companyPrefixDigits },
  );
}
