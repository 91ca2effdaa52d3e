import type { DocumentKind, DocumentQuery, DocumentWrite, ReceivingStore, StoredDocument } from './store/store.js';

/**
 * A read-through view of the receiving store for one batch of documents prepared in one queue step: the
 * consumer's group commit prepares hundreds of dock documents at once, and each used to read the plan, the
 * site's open POs and its pallets' ASNs on its own. Reads are remembered (misses too) and a write forgets
 * them all, so what the batch sees is what the store holds. Only for use inside one SerialQueue step.
 */
export class BatchReads implements ReceivingStore {
  private readonly documents = new Map<string, StoredDocument | null>();
  private readonly lists = new Map<string, StoredDocument[]>();

  constructor(private readonly store: ReceivingStore) {}

  /** Reads these documents in one query, ahead of the per-document steps that ask for them one by one. */
  async prefetch(kind: DocumentKind, ids: readonly string[]): Promise<void> {
    await this.getMany(kind, ids);
  }

  async get(kind: DocumentKind, id: string): Promise<StoredDocument | undefined> {
    const [found] = await this.getMany(kind, [id]);
    return found;
  }

  async getMany(kind: DocumentKind, ids: readonly string[]): Promise<StoredDocument[]> {
    const missing = [...new Set(ids.filter((id) => !this.documents.has(documentKey(kind, id))))];
    if (missing.length > 0) {
      for (const id of missing) this.documents.set(documentKey(kind, id), null);
      for (const doc of await this.store.getMany(kind, missing)) this.documents.set(documentKey(kind, doc.id), doc);
    }
    const found: StoredDocument[] = [];
    for (const id of new Set(ids)) {
      const doc = this.documents.get(documentKey(kind, id));
      if (doc) found.push(doc);
    }
    return found;
  }

  async list(kind: DocumentKind, query: DocumentQuery): Promise<StoredDocument[]> {
    const key = JSON.stringify([kind, query.site ?? null, query.status ?? null, query.limit]);
    const cached = this.lists.get(key);
    if (cached) return cached;
    const rows = await this.store.list(kind, query);
    this.lists.set(key, rows);
    return rows;
  }

  async write(writes: readonly DocumentWrite[]): Promise<boolean> {
    // Forget everything, not just the written ids: lists by site and status may change too.
    this.documents.clear();
    this.lists.clear();
    return this.store.write(writes);
  }

  async close(): Promise<void> {
    // The batch does not own the store.
  }
}

const documentKey = (kind: DocumentKind, id: string): string => `${kind}\u0000${id}`;
