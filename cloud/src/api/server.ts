import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import { z, type ZodTypeAny } from 'zod';
import { isoTimeSchema } from '../../../shared/src/contracts/iso-time.js';
import type { Logger } from '../../../shared/src/log.js';
import { announcePositionsChanged, type CloudEvents } from '../events.js';
import type { Catalog } from '../ledger/catalog.js';
import type { ApplyResult } from '../ledger/state.js';
import { TransactionSchema, type Transaction } from '../ledger/transactions.js';
import { LOCATION_KINDS } from '../ledger/catalog.js';
import { PAGE_LIMIT_MAX, type LedgerStore } from '../store/ledger-store.js';
import { createAuthorizer, type ApiToken, type Scope } from './auth.js';
import { registerStrictJsonParser } from './body.js';
import { requestLoggerOf } from './log-redaction.js';
import { ApiErrors } from './errors.js';
import { toJsonSchema } from './json-schema.js';
import { registerPosRoutes } from './pos-routes.js';
import { registerReservationRoutes } from './reservation-routes.js';
import type { ReservationService } from '../reservations/service.js';
import { withReservations } from '../reservations/stock-view.js';
import { JOURNAL_CONTENT_TYPES, journalExport } from './journal-export.js';
import { periodTrialBalance, registerPeriodRoutes } from './period-routes.js';
import { PeriodSchema } from '../ledger/periods.js';
import { registerReceivingRoutes } from '../receiving/routes.js';
import type { ReceivingService } from '../receiving/service.js';

export interface ApiDependencies {
  store: LedgerStore;
  catalog: Catalog;
  tokens: ApiToken[];
  /** Lets GET endpoints answer without a token (a read-only kiosk); POST always needs a write token. */
  publicRead?: boolean;
  logger?: Logger;
  /** positionsChanged is emitted here after transactions posted through the API commit. */
  events?: CloudEvents;
  /** Reservations / available-to-promise; without it `available` is on hand. */
  reservations?: ReservationService;
  /** Purchase orders, ASNs, supplier invoices (cloud/src/receiving), when given. */
  receiving?: ReceivingService;
}

/** Largest request body: a count of a full shelf carries many EPCs. */
export const API_BODY_BYTES_MAX = 16 * 1024 * 1024;
/** Transactions per POST /transactions batch. */
export const API_BATCH_TRANSACTIONS_MAX = 1_000;

/** One endpoint per transaction kind; the body is the transaction without `type`. */
const KIND_ROUTES: readonly [path: string, type: Transaction['type'], summary: string][] = [
  ['/receipts', 'receipt', 'Receive stock (purchase receipt or RFID inbound): Dr Inventory / Cr GRNI'],
  ['/sales', 'sale', 'Sell stock (POS): Dr COGS / Cr Inventory, plus Dr Cash / Cr Revenue when priced'],
  ['/customer-returns', 'customer_return', 'Customer return at the original sale cost: Dr Inventory / Cr COGS'],
  [
    '/supplier-returns',
    'supplier_return',
    'Return to supplier at the cost of the layer consumed: Dr GRNI / Cr Inventory',
  ],
  ['/transfers', 'transfer', 'Move stock between locations (posts only across inventory accounts)'],
  [
    '/adjustments',
    'adjustment',
    'Damage, theft, write-off or found stock with a reason code: against Inventory Adjustment',
  ],
  [
    '/counts',
    'count',
    'Absolute count: the difference posts to Shrinkage (Opening Balance Equity on the initial count)',
  ],
  ['/products', 'product', 'Declare or update a product (valuation method, negative stock, standard cost)'],
  ['/reversals', 'reversal', 'Cancel an applied transaction with its exact mirror image'],
];

const pagingQuery = {
  after: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).optional(),
};
const StockQuerySchema = z
  .object({
    product: z.string().max(64).optional(),
    location: z.string().max(256).optional(),
    site: z.string().max(64).optional(),
    kind: z.enum(LOCATION_KINDS).optional(),
  })
  .strict();
const EntriesQuerySchema = z
  .object({
    ...pagingQuery,
    product: z.string().max(64).optional(),
    location: z.string().max(256).optional(),
    transactionId: z.string().max(256).optional(),
  })
  .strict();
const JournalQuerySchema = z
  .object({
    ...pagingQuery,
    account: z.string().max(128).optional(),
    transactionId: z.string().max(256).optional(),
    /** json (paged lines, default) or the whole journal as csv / hledger text (journal-export.ts). */
    format: z.enum(['json', 'csv', 'hledger']).optional(),
    period: PeriodSchema.optional(),
  })
  .strict();
const TrialBalanceQuerySchema = z.object({ period: PeriodSchema.optional() }).strict();
const SalesQuerySchema = z
  .object({
    product: z.string().min(1).max(64),
    site: z.string().max(64).optional(),
    since: isoTimeSchema({ secondsRequired: false }).optional(),
  })
  .strict();

type Issue = { path: string; message: string };

function issuesOf(error: z.ZodError, prefix: (string | number)[] = []): Issue[] {
  return error.issues.flatMap((issue) => {
    // Name each unknown field on its own, like every other field-level issue.
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({ path: [...prefix, ...issue.path, key].join('.'), message: 'unknown field' }));
    return [{ path: [...prefix, ...issue.path].join('.') || '(body)', message: issue.message }];
  });
}

function badRequest(reply: FastifyReply, issues: Issue[]) {
  return reply.code(400).send({ code: ApiErrors.VALIDATION.code, message: ApiErrors.VALIDATION.message, issues });
}

function statusCodeOf(result: ApplyResult): number {
  switch (result.status) {
    case 'applied':
      return 201;
    case 'duplicate':
      return 200;
    case 'conflict':
      return 409;
    case 'rejected':
      return 422;
  }
}

/** Our own zod validation runs in the handlers (field-level 400s); fastify's ajv only documents. */
const noValidation = () => (data: unknown) => ({ value: data });

/** What every route group here needs: the app, its dependencies, the scope guard and the query parser. */
interface RouteContext {
  app: FastifyInstance;
  deps: ApiDependencies;
  guard: (scope: Scope) => (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;
  emit: (results: readonly ApplyResult[]) => void;
}

export async function buildApi(deps: ApiDependencies): Promise<FastifyInstance> {
  const app = await createApp(deps);
  const authorize = createAuthorizer(deps.tokens, deps.publicRead ?? false);
  const guard = (scope: Scope) => async (request: FastifyRequest, reply: FastifyReply) => {
    if (!authorize(request, reply, scope)) return reply;
    return undefined;
  };
  const emit = (results: readonly ApplyResult[]) => announcePositionsChanged(deps.events, results);
  const context: RouteContext = { app, deps, guard, emit };

  registerStockAndJournalRoutes(context);
  registerPeriodRoutes(app, deps.store, guard);
  registerLookupRoutes(context);
  registerTransactionRoutes(context);
  registerKindRoutes(context);

  const helpers = { guard, emit, badRequest, issuesOf };
  registerPosRoutes(app, deps, helpers);
  if (deps.reservations) registerReservationRoutes(app, deps.reservations, helpers);
  const receiving = deps.receiving;
  if (receiving)
    await app.register(async (scope) =>
      registerReceivingRoutes(scope as unknown as FastifyInstance, {
        receiving,
        catalog: deps.catalog,
        guard,
        issuesOf,
      }),
    );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

/** Fastify with our body limit, the strict JSON parser and the OpenAPI document. */
async function createApp(deps: ApiDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: requestLoggerOf(deps.logger) } : { logger: false }),
    bodyLimit: API_BODY_BYTES_MAX,
  }) as unknown as FastifyInstance;
  registerStrictJsonParser(app, API_BODY_BYTES_MAX);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'stockwire ledger API',
        version: '1',
        description:
          'Perpetual inventory: stock, EPC history, journal, trial balance, and every transaction kind. Numbers are decimal strings.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  return app;
}

function parseQuery<S extends ZodTypeAny>(
  schema: S,
  request: FastifyRequest,
  reply: FastifyReply,
): z.output<S> | undefined {
  const parsed = schema.safeParse(request.query ?? {});
  if (parsed.success) return parsed.data as z.output<S>;
  void badRequest(reply, issuesOf(parsed.error, ['query']));
  return undefined;
}

/** A GET route in the `read` tag: documented query schema, validated by the handler, read scope. */
function readRoute(
  { app, guard }: RouteContext,
  url: string,
  summary: string,
  querySchema: ZodTypeAny | undefined,
  handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
) {
  app.get(
    url,
    {
      schema: { summary, tags: ['read'], ...(querySchema ? { querystring: toJsonSchema(querySchema) } : {}) },
      validatorCompiler: noValidation,
      preHandler: guard('read'),
    },
    handler,
  );
}

function notFound(reply: FastifyReply, what: string) {
  return reply
    .code(404)
    .send({ code: ApiErrors.NOT_FOUND.code, message: ApiErrors.NOT_FOUND.message.replace('{what}', what) });
}

/** Stock, entries, journal and trial balance: the queries over the books. */
function registerStockAndJournalRoutes(context: RouteContext): void {
  const { store, catalog, reservations } = context.deps;
  readRoute(
    context,
    '/stock',
    'Current stock per product × location: on hand, available, value, unit cost, FIFO layers',
    StockQuerySchema,
    async (request, reply) => {
      const query = parseQuery(StockQuerySchema, request, reply);
      if (!query) return reply;
      const product = query.product === undefined ? undefined : (catalog.skus.get(query.product) ?? query.product);
      const items = await store.stock({ ...query, ...(product === undefined ? {} : { product }) });
      return { items: reservations ? withReservations(items, await reservations.openDemand()) : items };
    },
  );
  readRoute(
    context,
    '/entries',
    'Stock entries (append-only), paged by sequence number',
    EntriesQuerySchema,
    async (request, reply) => {
      const query = parseQuery(EntriesQuerySchema, request, reply);
      if (!query) return reply;
      return store.entries(query);
    },
  );
  readRoute(
    context,
    '/journal',
    'Journal lines, paged by sequence number',
    JournalQuerySchema,
    async (request, reply) => {
      const query = parseQuery(JournalQuerySchema, request, reply);
      if (!query) return reply;
      const { format, period, ...paging } = query;
      if (format === 'csv' || format === 'hledger')
        return reply.type(JOURNAL_CONTENT_TYPES[format]).send(journalExport(store, format, period));
      return store.journal(paging);
    },
  );
  readRoute(
    context,
    '/trial-balance',
    'Balance of every account (debit positive) and the totals; with period=yyyy-mm at that month end',
    TrialBalanceQuerySchema,
    async (request, reply) => {
      const query = parseQuery(TrialBalanceQuerySchema, request, reply);
      if (!query) return reply;
      return query.period === undefined ? store.trialBalance() : periodTrialBalance(store, query.period);
    },
  );
}

/** One EPC, one transaction, the master data, sales history and the invariant check. */
function registerLookupRoutes(context: RouteContext): void {
  const { store } = context.deps;
  readRoute(
    context,
    '/epcs/:epc',
    'Where has this tag been: current state and history',
    undefined,
    async (request, reply) => {
      const { epc } = request.params as { epc: string };
      const history = await store.epcHistory(epc);
      return history.current ? history : notFound(reply, `EPC ${epc}`);
    },
  );
  readRoute(
    context,
    '/transactions/:id',
    'A transaction as applied: payload and result',
    undefined,
    async (request, reply) => {
      const { id } = request.params as { id: string };
      return (await store.transaction(id)) ?? notFound(reply, `transaction ${id}`);
    },
  );
  readRoute(context, '/products', 'Products (catalog and declared)', undefined, async () => ({
    items: await store.products(),
  }));
  readRoute(context, '/locations', 'Locations (catalog and registered on first use)', undefined, async () => ({
    items: await store.locations(),
  }));
  readRoute(
    context,
    '/sales-history',
    'Sales of a product since a time (what the forecast reads)',
    SalesQuerySchema,
    async (request, reply) => {
      const query = parseQuery(SalesQuerySchema, request, reply);
      if (!query) return reply;
      return { items: await store.salesHistory(query.product, query.site, query.since ? Date.parse(query.since) : 0) };
    },
  );
  readRoute(
    context,
    '/check',
    'Verify every ledger invariant (slow on big ledgers)',
    undefined,
    async (_request, reply) => {
      const report = await store.check();
      return reply.code(report.ok ? 200 : 500).send(report);
    },
  );
}

/** POST /transactions: one transaction, or a batch applied in one database transaction. */
function registerTransactionRoutes(context: RouteContext): void {
  const { app, guard } = context;
  const transactionBody = toJsonSchema(TransactionSchema);
  app.post(
    '/transactions',
    {
      schema: {
        summary: 'Apply one transaction, or a batch `{ "transactions": [...] }` in one database transaction',
        tags: ['write'],
        body: {
          oneOf: [
            transactionBody,
            {
              type: 'object',
              properties: { transactions: { type: 'array', items: transactionBody } },
              required: ['transactions'],
            },
          ],
        },
      },
      validatorCompiler: noValidation,
      preHandler: guard('write'),
    },
    async (request, reply) => {
      const body = request.body as { transactions?: unknown } | undefined;
      if (body && typeof body === 'object' && Array.isArray(body.transactions))
        return applyBatch(context, reply, body.transactions as unknown[]);
      return applyOne(context, reply, TransactionSchema.safeParse(body));
    },
  );
}

/** One endpoint per transaction kind (KIND_ROUTES): the body is the transaction without `type`. */
function registerKindRoutes(context: RouteContext): void {
  const { app, guard } = context;
  const transactionBody = toJsonSchema(TransactionSchema);
  for (const [path, type, summary] of KIND_ROUTES) {
    app.post(
      path,
      {
        schema: { summary, tags: ['write'], body: transactionBody },
        validatorCompiler: noValidation,
        preHandler: guard('write'),
      },
      async (request, reply) => {
        const body = request.body;
        if (!body || typeof body !== 'object' || Array.isArray(body))
          return badRequest(reply, [{ path: '(body)', message: 'must be a JSON object' }]);
        const given = (body as { type?: unknown }).type;
        if (given !== undefined && given !== type)
          return badRequest(reply, [{ path: 'type', message: `must be "${type}" on ${path} (or left out)` }]);
        return applyOne(context, reply, TransactionSchema.safeParse({ ...body, type }));
      },
    );
  }
}

/** Every item is validated before any is applied: one bad item refuses the whole batch with each issue named. */
async function applyBatch({ deps, emit }: RouteContext, reply: FastifyReply, list: unknown[]) {
  if (list.length > API_BATCH_TRANSACTIONS_MAX) {
    return reply.code(400).send({
      code: ApiErrors.BATCH_TOO_LARGE.code,
      message: ApiErrors.BATCH_TOO_LARGE.message
        .replace('{count}', String(list.length))
        .replace('{max}', String(API_BATCH_TRANSACTIONS_MAX)),
    });
  }
  const parsed: Transaction[] = [];
  const issues: Issue[] = [];
  list.forEach((item, index) => {
    const outcome = TransactionSchema.safeParse(item);
    if (outcome.success) parsed.push(outcome.data);
    else issues.push(...issuesOf(outcome.error, ['transactions', index]));
  });
  if (issues.length > 0) return badRequest(reply, issues);
  const results = await deps.store.applyBatch(parsed);
  emit(results);
  return { results };
}

async function applyOne(
  { deps, emit }: RouteContext,
  reply: FastifyReply,
  parsed: z.SafeParseReturnType<unknown, Transaction>,
) {
  if (!parsed.success) return badRequest(reply, issuesOf(parsed.error));
  const [result] = await deps.store.applyBatch([parsed.data]);
  if (!result) throw new Error('invariant violated: applyBatch returned no result');
  emit([result]);
  return reply.code(statusCodeOf(result)).send(result);
}
