import type pg from 'pg';
import { autoRegisterLocation, type Location } from '../ledger/catalog.js';
import type { Transaction } from '../ledger/transactions.js';
import { LEDGER_LOCK_KEY, SITE_LOCK_CLASS } from './postgres-schema.js';

/**
 * Which advisory locks a ledger batch holds on PostgreSQL. Stock at one site is independent of
 * every other site (its positions, EPCs and inventory account are its own; shared GL accounts are
 * updated by delta, `balance = balance + excluded.balance`, which commutes), so writers of
 * different sites run in parallel. Every batch holds the ledger lock SHARED (a period close takes
 * it exclusive, so no batch posts while a period closes) and then one lock per site it touches,
 * all in one fixed order (ascending lock key), so two batches never wait on each other in a
 * circle. A transfer between sites takes both. A batch with a transaction that names no location
 * (product definitions, reversals, supplier invoices: rare, off the hot path) takes the ledger lock
 * exclusive, as every batch did before per-site locking.
 */
export interface LockPlan {
  readonly exclusive: boolean;
  /** Site ids, unique. */
  readonly sites: readonly string[];
}

/** Resolves a location id to its site; unknown ids land where the engine would auto-register them. */
export type SiteOfLocation = (locationId: string, siteHint?: string) => string;

export function siteResolver(known: (locationId: string) => Location | undefined): SiteOfLocation {
  return (locationId, siteHint) => (known(locationId) ?? autoRegisterLocation(locationId, siteHint)).site;
}

/** The locks a batch needs before it runs, from the locations its transactions name. */
export function lockPlanOf(transactions: readonly Transaction[], siteOf: SiteOfLocation): LockPlan {
  const sites = new Set<string>();
  for (const transaction of transactions) {
    if (transaction.type === 'transfer') {
      sites.add(siteOf(transaction.from, transaction.site));
      sites.add(siteOf(transaction.to, transaction.site));
    } else if ('location' in transaction && typeof transaction.location === 'string') {
      sites.add(siteOf(transaction.location, transaction.site));
    } else {
      return { exclusive: true, sites: [] };
    }
  }
  return { exclusive: false, sites: [...sites] };
}

/** Sites the batch touched but did not lock (e.g. an EPC last seen at another site); empty when the plan covered it. */
export function sitesMissing(plan: LockPlan, touchedSites: Iterable<string>): string[] {
  if (plan.exclusive) return [];
  const held = new Set(plan.sites);
  return [...new Set(touchedSites)].filter((site) => !held.has(site));
}

/**
 * Takes the plan's locks inside the open transaction (xact-scoped: released at COMMIT/ROLLBACK).
 * The site locks are taken by one statement over the sorted, distinct lock keys (hashtext of the
 * site id; a hash collision only serialises two sites, it cannot deadlock, since the order is by key).
 */
export async function takeLocks(client: pg.PoolClient, plan: LockPlan): Promise<void> {
  if (plan.exclusive) {
    await client.query('SELECT pg_advisory_xact_lock($1)', [LEDGER_LOCK_KEY]);
    return;
  }
  await client.query('SELECT pg_advisory_xact_lock_shared($1)', [LEDGER_LOCK_KEY]);
  if (plan.sites.length === 0) return;
  // OFFSET 0 keeps the sorted subquery from being flattened, so the locks are taken in key order.
  await client.query(
    `SELECT count(pg_advisory_xact_lock($1::int, k.key)) FROM
       (SELECT DISTINCT hashtext(site) AS key FROM unnest($2::text[]) AS site ORDER BY key OFFSET 0) AS k`,
    [SITE_LOCK_CLASS, [...plan.sites]],
  );
}
