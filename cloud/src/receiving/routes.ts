import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z, type ZodTypeAny } from 'zod';
import { StockwireError } from '../../../shared/src/errors.js';
import type { Catalog } from '../ledger/catalog.js';
import { grniReport } from './grni-report.js';
import { resolveAsn } from './resolutions.js';
import { ManualReceiptInputSchema, receiveManually } from './manual-receipts.js';
import { applySupplierEvent } from './supplier-events.js';
import {
  AsnInputSchema,
  PURCHASE_ORDER_STATUSES,
  PurchaseOrderInputSchema,
  ResolutionInputSchema,
  SupplierInvoiceInputSchema,
} from './schemas.js';
import type { ReceivingService } from './service.js';
import { ReceivingErrors } from './errors.js';
import { LIST_LIMIT_MAX } from './store/store.js';

/** Events per POST /receiving/supplier-events. */
export const SUPPLIER_EVENTS_MAX = 1_000;

type Guard = (scope: 'read' | 'write') => (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
type Issues = (error: z.ZodError, prefix?: (string | number)[]) => { path: string; message: string }[];

const ListQuerySchema = z
  .object({ site: z.string().max(64).optional(), status: z.string().max(32).optional() })
  .strict();
const PoListQuerySchema = ListQuerySchema.extend({ status: z.enum(PURCHASE_ORDER_STATUSES).optional() }).strict();

const SupplierEventsBodySchema = z.union([
  z
    .object({ epcisBody: z.object({ eventList: z.array(z.unknown()).min(1).max(SUPPLIER_EVENTS_MAX) }).passthrough() })
    .passthrough(),
  z.object({ type: z.string() }).passthrough(),
]);

const NOT_FOUND = new Set([ReceivingErrors.UNKNOWN_ASN.code, ReceivingErrors.UNKNOWN_PURCHASE_ORDER.code]);
const CONFLICT = new Set([ReceivingErrors.ID_CONFLICT.code, ReceivingErrors.SSCC_ON_OTHER_ASN.code]);

type Parse = <S extends ZodTypeAny>(
  schema: S,
  value: unknown,
  reply: FastifyReply,
  prefix?: string[],
) => z.output<S> | undefined;

/** What every receiving route needs: the service, body parsing with field-level 400s, the scope guards. */
interface RouteContext {
  app: FastifyInstance;
  receiving: ReceivingService;
  catalog: Catalog;
  parse: Parse;
  write: { preHandler: ReturnType<Guard>; schema: { tags: string[] } };
  readOnly: { preHandler: ReturnType<Guard>; schema: { tags: string[] } };
}

const created = (reply: FastifyReply, status: 'created' | 'duplicate', body: unknown) =>
  reply.code(status === 'created' ? 201 : 200).send(body);
const notFound = (reply: FastifyReply, what: string) =>
  reply.code(404).send({ code: 'SW_API_NOT_FOUND', message: `${what} not found` });
const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

/**
 * Receiving's HTTP endpoints (registered by buildApi, in their own scope, when a ReceivingService is
 * given): purchase orders, ASNs and their resolutions, supplier events, invoices, the GRNI report, alerts.
 */
export function registerReceivingRoutes(
  app: FastifyInstance,
  deps: { receiving: ReceivingService; catalog: Catalog; guard: Guard; issuesOf: Issues },
): void {
  const parse: Parse = (schema, value, reply, prefix = []) => {
    const parsed = schema.safeParse(value ?? {});
    if (parsed.success) return parsed.data;
    void reply
      .code(400)
      .send({ code: 'SW_API_VALIDATION', message: 'request is invalid', issues: deps.issuesOf(parsed.error, prefix) });
    return undefined;
  };
  app.setErrorHandler(async (error, _request, reply) => {
    if (error instanceof StockwireError && error.code.startsWith('SW_RECEIVING_')) {
      const status = NOT_FOUND.has(error.code) ? 404 : CONFLICT.has(error.code) ? 409 : 422;
      return reply.code(status).send({ code: error.code, message: error.message });
    }
    const { statusCode, code, message } = error as { statusCode?: number; code?: string; message?: string };
    return reply.code(statusCode ?? 500).send({ code: code ?? 'SW_API_INTERNAL', message: message ?? String(error) });
  });
  const context: RouteContext = {
    app,
    receiving: deps.receiving,
    catalog: deps.catalog,
    parse,
    write: { preHandler: deps.guard('write'), schema: { tags: ['receiving'] } },
    readOnly: { preHandler: deps.guard('read'), schema: { tags: ['receiving'] } },
  };
  purchaseOrderRoutes(context);
  asnRoutes(context);
  invoiceRoutes(context);
}

function purchaseOrderRoutes({ app, receiving, catalog, parse, write, readOnly }: RouteContext): void {
  app.post('/purchase-orders', write, async (request, reply) => {
    const input = parse(PurchaseOrderInputSchema, request.body, reply);
    if (!input) return reply;
    const result = await receiving.createPurchaseOrder(input);
    return created(reply, result.status, result.body);
  });
  app.get('/purchase-orders', readOnly, async (request, reply) => {
    const query = parse(PoListQuerySchema, request.query, reply, ['query']);
    if (!query) return reply;
    return { items: await receiving.purchaseOrders(query), limit: LIST_LIMIT_MAX };
  });
  app.get('/purchase-orders/:id', readOnly, async (request, reply) => {
    const order = await receiving.purchaseOrder(idOf(request));
    return order ?? notFound(reply, `purchase order ${idOf(request)}`);
  });
  app.post('/receiving/receipts', write, async (request, reply) => {
    const input = parse(ManualReceiptInputSchema, request.body, reply);
    if (!input) return reply;
    const outcome = await receiveManually(receiving, catalog, input);
    const applied = outcome.results.some((result) => result.status === 'applied');
    return reply.code(applied ? 201 : 200).send(outcome);
  });
  app.post('/purchase-orders/:id/close', write, async (request) =>
    receiving.finishPurchaseOrder(idOf(request), 'closed'),
  );
  app.post('/purchase-orders/:id/cancel', write, async (request) =>
    receiving.finishPurchaseOrder(idOf(request), 'cancelled'),
  );
}

function asnRoutes({ app, receiving, catalog, parse, write, readOnly }: RouteContext): void {
  app.post('/asns', write, async (request, reply) => {
    const input = parse(AsnInputSchema, request.body, reply);
    if (!input) return reply;
    const result = await receiving.createAsn(input);
    return created(reply, result.status, result.body);
  });
  app.get('/asns', readOnly, async (request, reply) => {
    const query = parse(ListQuerySchema, request.query, reply, ['query']);
    if (!query) return reply;
    return { items: await receiving.asns(query), limit: LIST_LIMIT_MAX };
  });
  app.get(
    '/asns/:id',
    readOnly,
    async (request, reply) => (await receiving.asn(idOf(request))) ?? notFound(reply, `ASN ${idOf(request)}`),
  );
  app.post('/asns/:id/resolutions', write, async (request, reply) => {
    const input = parse(ResolutionInputSchema, request.body, reply);
    if (!input) return reply;
    return reply.code(201).send(await resolveAsn(receiving, catalog, idOf(request), input));
  });
  // The supplier's packing/shipping events without the capture job: answered with each event's outcome at once
  // (POST /capture reaches the same applySupplierEvent after the capture commits; see cloud/src/service.ts).
  app.post('/receiving/supplier-events', write, async (request, reply) => {
    const parsed = parse(SupplierEventsBodySchema, request.body, reply);
    if (!parsed) return reply;
    const events: unknown[] =
      'epcisBody' in parsed ? (parsed.epcisBody as { eventList: unknown[] }).eventList : [parsed];
    const outcomes = [];
    for (const event of events) outcomes.push(await applySupplierEvent(receiving, catalog, event));
    return reply.code(202).send({ outcomes });
  });
  app.get('/receiving/alerts', readOnly, async () => ({ items: receiving.alerts() }));
}

function invoiceRoutes({ app, receiving, parse, write, readOnly }: RouteContext): void {
  app.post('/supplier-invoices', write, async (request, reply) => {
    const input = parse(SupplierInvoiceInputSchema, request.body, reply);
    if (!input) return reply;
    const result = await receiving.matchInvoice(input);
    return created(reply, result.status, result.result);
  });
  app.get('/reports/grni', readOnly, async () => grniReport(await receiving.purchaseOrders({}), receiving.ledger));
}
