import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { FulfilRequestSchema, ReservationRequestSchema } from '../reservations/contract.js';
import type { ReservationService, ReserveOutcome } from '../reservations/service.js';
import { ApiErrors } from './errors.js';
import { toJsonSchema } from './json-schema.js';
import type { RouteHelpers } from './pos-routes.js';

const noValidation = () => (data: unknown) => ({ value: data });
const DemandQuerySchema = z.object({ site: z.string().max(64).optional() }).strict();

/**
 * Reservations (available-to-promise): `POST /reservations` (201 held, 200 same order again, 409 not available
 * with what is, 409 order id reused), `GET /reservations/{id}`, `POST /reservations/{id}/fulfil` and `/cancel`,
 * `GET /reservations` (open demand per product × site, location).
 */
export function registerReservationRoutes(
  app: FastifyInstance,
  reservations: ReservationService,
  helpers: RouteHelpers,
): void {
  const write = { validatorCompiler: noValidation, preHandler: helpers.guard('write') };
  const read = { validatorCompiler: noValidation, preHandler: helpers.guard('read') };
  app.post(
    '/reservations',
    {
      schema: {
        summary: 'Hold stock for an order (available = on hand − reserved)',
        tags: ['write'],
        body: toJsonSchema(ReservationRequestSchema),
      },
      ...write,
    },
    async (request, reply) => {
      const parsed = ReservationRequestSchema.safeParse(request.body);
      if (!parsed.success) return helpers.badRequest(reply, helpers.issuesOf(parsed.error));
      return answer(reply, await reservations.reserve(parsed.data));
    },
  );
  app.get(
    '/reservations',
    { schema: { summary: 'Open demand per product × site (and location)', tags: ['read'] }, ...read },
    async (request, reply) => {
      const parsed = DemandQuerySchema.safeParse(request.query ?? {});
      if (!parsed.success) return helpers.badRequest(reply, helpers.issuesOf(parsed.error, ['query']));
      return { items: await reservations.openDemand(parsed.data.site) };
    },
  );
  app.get(
    '/reservations/:id',
    { schema: { summary: 'One reservation', tags: ['read'] }, ...read },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const record = await reservations.get(id);
      if (record === undefined)
        return reply.code(404).send({
          code: ApiErrors.NOT_FOUND.code,
          message: ApiErrors.NOT_FOUND.message.replace('{what}', `reservation ${id}`),
        });
      return record;
    },
  );
  app.post(
    '/reservations/:id/fulfil',
    { schema: { summary: 'Close a hold: the sale or shipment took it', tags: ['write'] }, ...write },
    async (request, reply) => {
      const parsed = FulfilRequestSchema.safeParse(request.body);
      if (!parsed.success) return helpers.badRequest(reply, helpers.issuesOf(parsed.error));
      const { id } = request.params as { id: string };
      return answer(reply, await reservations.close(id, { fulfilledBy: parsed.data.transactionId }));
    },
  );
  app.post(
    '/reservations/:id/cancel',
    { schema: { summary: 'Release a hold', tags: ['write'] }, ...write },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      return answer(reply, await reservations.close(id, { cancel: true }));
    },
  );
}

function answer(reply: FastifyReply, outcome: ReserveOutcome | { kind: 'closed'; record: unknown }) {
  switch (outcome.kind) {
    case 'reserved':
      return reply.code(201).send(outcome.record);
    case 'duplicate':
    case 'closed':
      return reply.code(200).send(outcome.record);
    case 'unavailable':
      return reply
        .code(409)
        .send({ code: outcome.error.code, message: outcome.error.message, available: outcome.lines });
    case 'refused':
      return reply.code(outcome.status).send({ code: outcome.error.code, message: outcome.error.message });
  }
}
