import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { EPC_STATUSES } from '../ledger/state.js';
import { PosTransactionSchema } from '../../../shared/src/contracts/pos.js';
import type { Catalog } from '../ledger/catalog.js';
import type { ApplyResult } from '../ledger/state.js';
import { applyPosTransaction } from '../pos/service.js';
import type { LedgerStore } from '../store/ledger-store.js';
import { toJsonSchema } from './json-schema.js';

/** What the API server lends its route modules (passed in, so no module imports the server: no cycle). */
export interface RouteHelpers {
  guard: (scope: 'read' | 'write') => (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  emit: (results: readonly ApplyResult[]) => void;
  badRequest: (reply: FastifyReply, issues: { path: string; message: string }[]) => unknown;
  issuesOf: (error: z.ZodError, prefix?: (string | number)[]) => { path: string; message: string }[];
}

/** EPC rows one `GET /epcs` answers at most. */
export const EPC_LIST_LIMIT_MAX = 10_000;
const EpcListQuerySchema = z
  .object({
    status: z.enum(EPC_STATUSES),
    location: z.string().min(1).max(256).optional(),
    limit: z.coerce.number().int().min(1).max(EPC_LIST_LIMIT_MAX).default(1_000),
  })
  .strict();

/**
 * `POST /pos/transactions`: one till transaction (sale, return, void), the same contract as the MQTT till topic.
 * 201 booked, 200 all lines duplicate, 409 id reused with other content, 422 refused or a line rejected.
 */
const noValidation = () => (data: unknown) => ({ value: data });

export function registerPosRoutes(
  app: FastifyInstance,
  deps: { store: LedgerStore; catalog: Catalog },
  helpers: RouteHelpers,
): void {
  app.post(
    '/pos/transactions',
    {
      schema: {
        summary: 'A till transaction: sale, return or void; Dr COGS / Cr Inventory and Dr Cash / Cr Revenue per line',
        tags: ['write'],
        body: toJsonSchema(PosTransactionSchema),
      },
      validatorCompiler: noValidation,
      preHandler: helpers.guard('write'),
    },
    async (request, reply) => {
      const parsed = PosTransactionSchema.safeParse(request.body);
      if (!parsed.success) return helpers.badRequest(reply, helpers.issuesOf(parsed.error));
      const outcome = await applyPosTransaction(parsed.data, deps);
      if (outcome.kind === 'refused')
        return reply.code(422).send({ code: outcome.error.code, message: outcome.error.message });
      helpers.emit(outcome.results);
      const statuses = new Set(outcome.results.map((result) => result.status));
      const code = statuses.has('conflict')
        ? 409
        : statuses.has('rejected')
          ? 422
          : statuses.size === 1 && statuses.has('duplicate')
            ? 200
            : 201;
      return reply.code(code).send({
        id: parsed.data.id,
        lines: outcome.results,
        ...(outcome.lineErrors.length > 0
          ? { errors: outcome.lineErrors.map((error) => ({ code: error.code, message: error.message })) }
          : {}),
      });
    },
  );
  // What a till or a floor walker needs: the tags in one status at one place (e.g. in shoppers' hands).
  app.get(
    '/epcs',
    {
      schema: { summary: 'EPCs in one status, optionally at one location (ordered by EPC)', tags: ['read'] },
      validatorCompiler: noValidation,
      preHandler: helpers.guard('read'),
    },
    async (request, reply) => {
      const parsed = EpcListQuerySchema.safeParse(request.query ?? {});
      if (!parsed.success) return helpers.badRequest(reply, helpers.issuesOf(parsed.error, ['query']));
      const { status, location, limit } = parsed.data;
      return {
        items: await deps.store.epcsWhere({
          status,
          limit,
          ...(location === undefined ? {} : { locations: [location] }),
        }),
      };
    },
  );
}
