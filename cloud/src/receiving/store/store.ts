/**
 * Receiving's storage seam: versioned JSON documents by (kind, id). Writes are all-or-nothing
 * with a version check per document, so two processes (or two concurrent requests) cannot both
 * win: the loser re-reads and tries again. One contract suite runs against every implementation.
 */
export const DOCUMENT_KINDS = ['purchase_order', 'asn', 'invoice', 'plan', 'sscc', 'inferred_epc', 'packing'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export interface StoredDocument {
  kind: DocumentKind;
  id: string;
  version: number;
  /** Content hash of what created it (idempotent re-submission). */
  hash: string;
  site: string | null;
  status: string | null;
  body: unknown;
}

export interface DocumentWrite {
  kind: DocumentKind;
  id: string;
  body: unknown;
  hash?: string;
  site?: string | null;
  status?: string | null;
  /** null: the document must not exist yet; a number: the version read; 'delete' removes it at that version. */
  expectedVersion: number | null;
  delete?: boolean;
}

export interface DocumentQuery {
  site?: string;
  status?: string;
  /** Documents returned at most, oldest first. */
  limit: number;
}

export const LIST_LIMIT_MAX = 1_000;

export interface ReceivingStore {
  get(kind: DocumentKind, id: string): Promise<StoredDocument | undefined>;
  getMany(kind: DocumentKind, ids: readonly string[]): Promise<StoredDocument[]>;
  list(kind: DocumentKind, query: DocumentQuery): Promise<StoredDocument[]>;
  /** Applies every write or none; false when some version did not match (nothing written). */
  write(writes: readonly DocumentWrite[]): Promise<boolean>;
  close(): Promise<void>;
}
