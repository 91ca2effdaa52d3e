import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PeriodSchema, periodBounds } from '../ledger/periods.js';
import type { LedgerStore } from '../store/ledger-store.js';
import type { Scope } from './auth.js';
import { ApiErrors } from './errors.js';

/**
 * Period close: `POST /periods/{yyyy-mm}/close` locks posting dates up to the end of
 * that month (UTC, cumulative); `GET /periods` lists closed periods. 200 closed (or
 * already closed), 422 while the month has not ended, 400 for a malformed period.
 */
const PeriodParamsSchema = z.object({ period: PeriodSchema }).strict();

export function registerPeriodRoutes(
  app: FastifyInstance,
  store: LedgerStore,
  guard: (scope: Scope) => (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
): void {
  app.post(
    '/periods/:period/close',
    {
      schema: {
        summary:
          'Close a month: no journal line is dated up to its end afterwards (late events post in the open period)',
        tags: ['write'],
      },
      preHandler: guard('write'),
    },
    async (request, reply) => {
      const parsed = PeriodParamsSchema.safeParse(request.params);
      if (!parsed.success)
        return reply.code(400).send({
          code: ApiErrors.VALIDATION.code,
          message: ApiErrors.VALIDATION.message,
          issues: parsed.error.issues.map((issue) => ({ path: 'period', message: issue.message })),
        });
      const result = await store.closePeriod(parsed.data.period);
      return reply.code(result.ok ? 200 : 422).send(result);
    },
  );
  app.get(
    '/periods',
    { schema: { summary: 'Closed periods, oldest first', tags: ['read'] }, preHandler: guard('read') },
    async () => ({ items: await store.periods() }),
  );
}

/** Trial balance at the end of a period: balances of the journal lines dated up to it. */
export async function periodTrialBalance(store: LedgerStore, period: string) {
  const bounds = periodBounds(period);
  const closed = (await store.periods()).some((each) => Date.parse(each.closedThrough) >= bounds.endMs);
  return {
    period,
    from: new Date(bounds.startMs).toISOString(),
    to: new Date(bounds.endMs).toISOString(),
    closed,
    ...(await store.trialBalanceAt(bounds.endMs)),
  };
}
