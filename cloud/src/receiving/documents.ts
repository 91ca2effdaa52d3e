import { canonicalJson, sha256Hex } from '../../../shared/src/contracts/event-id.js';
import { raise } from '../../../shared/src/errors.js';
import { ReceivingErrors } from './errors.js';
import type { DocumentKind, DocumentWrite, ReceivingStore, StoredDocument } from './store/store.js';

/**
 * Small helpers over the document store: typed reads, idempotent creation (same id + same body →
 * duplicate, other body → SW_RECEIVING_ID_CONFLICT) and an in-process queue so receiving's
 * read-modify-write steps run one at a time (the version check guards other processes: retried).
 */
export const WRITE_ATTEMPTS_MAX = 5;

export const contentHash = (value: unknown): string => sha256Hex(canonicalJson(value));

export interface Versioned<T> {
  body: T;
  version: number;
}

export async function read<T>(
  store: ReceivingStore,
  kind: DocumentKind,
  id: string,
): Promise<Versioned<T> | undefined> {
  const found = await store.get(kind, id);
  return found && { body: found.body as T, version: found.version };
}

export function update<T extends { status?: string; site?: string }>(
  kind: DocumentKind,
  id: string,
  current: Versioned<T> | undefined,
  body: T,
): DocumentWrite {
  return {
    kind,
    id,
    body,
    status: body.status ?? null,
    site: body.site ?? null,
    expectedVersion: current ? current.version : null,
  };
}

export type Created<T> = { status: 'created' | 'duplicate'; body: T };

/** Creates the document with its companions (indexes), or tells the existing one with the same content apart. */
export async function createOnce<T>(
  store: ReceivingStore,
  kind: DocumentKind,
  id: string,
  input: unknown,
  build: () => Promise<{ body: T; writes: DocumentWrite[] }>,
): Promise<Created<T>> {
  const hash = contentHash(input);
  const existing = await store.get(kind, id);
  if (existing) return duplicateOrConflict<T>(existing, hash, kind, id);
  const { body, writes } = await build();
  const main = body as { status?: string; site?: string };
  const written = await store.write([
    { kind, id, body, hash, status: main.status ?? null, site: main.site ?? null, expectedVersion: null },
    ...writes,
  ]);
  if (written) return { status: 'created', body };
  const raced = await store.get(kind, id);
  if (raced) return duplicateOrConflict<T>(raced, hash, kind, id);
  return raise(ReceivingErrors.ID_CONFLICT, { kind, id });
}

function duplicateOrConflict<T>(existing: StoredDocument, hash: string, kind: string, id: string): Created<T> {
  if (existing.hash !== hash) return raise(ReceivingErrors.ID_CONFLICT, { kind, id });
  return { status: 'duplicate', body: existing.body as T };
}

/** Runs read-modify-write steps one at a time in this process. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(step: () => Promise<T>): Promise<T> {
    const next = this.tail.then(step, step);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** Retries a read-modify-write whose versioned write lost to another writer. */
export async function withRetries(step: () => Promise<boolean>): Promise<void> {
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS_MAX; attempt++) if (await step()) return;
  throw new Error(`receiving: ${WRITE_ATTEMPTS_MAX} concurrent writers in a row; the store is contended`);
}
