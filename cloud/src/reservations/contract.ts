import { z } from 'zod';
import { quantityString } from '../ledger/catalog.js';

/**
 * Reservations (available-to-promise): what a sales channel may hold for an order before it ships or sells.
 * Quantities are decimal strings at the ledger's quantity scale. The order id is the idempotency key.
 */

export const RESERVATION_LINES_MAX = 200;
/** Open reservations read per site when deciding: a limit on the work one request can cause. */
export const RESERVATIONS_OPEN_PER_SITE_MAX = 100_000;
/** Longest hold a channel may ask for. */
export const RESERVATION_TTL_SECONDS_MAX = 90 * 24 * 3600;

const isoTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/, 'must be ISO 8601 with a zone');
const siteId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a site id like store-1');

export const ReservationRequestSchema = z
  .object({
    orderId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1–128 of A-Z a-z 0-9 . _ : -'),
    /** Who asks (web, app, marketplace): reported back, never interpreted. */
    channel: z.string().max(64).optional(),
    /** Reserve anywhere in the site… */
    site: siteId.optional(),
    /** …or at one location (its site is the catalog's). */
    location: z.string().min(1).max(256).optional(),
    lines: z
      .array(z.object({ product: z.string().min(1).max(64), qty: quantityString() }).strict())
      .min(1)
      .max(RESERVATION_LINES_MAX),
    /** When the hold lapses; give this or ttlSeconds. */
    expiresAt: isoTime.optional(),
    ttlSeconds: z.number().int().min(1).max(RESERVATION_TTL_SECONDS_MAX).optional(),
  })
  .strict()
  .superRefine((request, context) => {
    if ((request.site === undefined) === (request.location === undefined))
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['site'],
        message: 'give exactly one of site or location',
      });
    if ((request.expiresAt === undefined) === (request.ttlSeconds === undefined))
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['expiresAt'],
        message: 'give exactly one of expiresAt or ttlSeconds',
      });
    if (new Set(request.lines.map((line) => line.product)).size !== request.lines.length)
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['lines'], message: 'lists a product twice' });
  });
export type ReservationRequest = z.output<typeof ReservationRequestSchema>;

export const FulfilRequestSchema = z
  .object({
    /** The ledger transaction (sale, shipment transfer, POS line) that took the reserved stock. */
    transactionId: z.string().min(1).max(256),
  })
  .strict();

export const RESERVATION_STATUSES = ['open', 'fulfilled', 'cancelled', 'expired'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

export interface ReservationLine {
  /** GTIN-14. */
  product: string;
  qty: string;
  /** Part of qty promised beyond what was available (products with allowBackorder only). */
  backorderedQty: string;
}

export interface ReservationRecord {
  id: string;
  orderId: string;
  channel?: string;
  site: string;
  location?: string;
  status: ReservationStatus;
  createdAt: string;
  expiresAt: string;
  expiresMs: number;
  lines: ReservationLine[];
  fulfilledBy?: string;
  closedAt?: string;
  /** SHA-256 of the canonical request: same order id + other content is a conflict. */
  requestHash: string;
}
