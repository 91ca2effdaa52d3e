import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
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

/**
 * `POST /pos/transactions`: one till transaction (sale, return, void), the same contract as the MQTT till topic.
 * 201 booked, 200 all lines duplicate, 409 id reused with other content, 422 refused or a line rejected.
 */
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
      validatorCompiler: () => (data: unknown) => ({ value: data }),
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
}
