import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EPCIS_CONTEXT } from '../../../shared/src/contracts/epcis.js';
import type { Clock } from '../../../shared/src/clock.js';
import { createAuthorizer, type ApiToken, type Scope } from '../api/auth.js';
import type { EpcisCapture } from './capture.js';
import {
  CaptureDocumentSchema,
  documentNamespaces,
  parseCaptureEvent,
  type CapturedEvent,
} from './capture-document.js';
import { EpcisErrors } from './errors.js';
import type { EpcisEventStore, EventQuery } from './event-store.js';
import { withEpcFormat, type EpcFormat } from './epc-format.js';
import { sendProblem } from './problem.js';
import { encodePageToken, toEventQuery } from './query-parameters.js';
import { formatIssues } from '../../../shared/src/zod-issues.js';
import { namespacesOfContext } from '../../../shared/src/epcis/event-hash.js';

export interface EpcisLimits {
  /** Events per capture document (GS1-EPCIS-Capture-Limit). */
  captureEventsMax: number;
  /** Bytes per capture request body (GS1-EPCIS-Capture-File-Size-Limit). */
  captureBytesMax: number;
  /** Jobs listed by GET /capture (most recent first). */
  jobsListedMax: number;
  /** Captures waiting at once; above it → 503. */
  captureQueueMax: number;
}

export interface EpcisRoutesOptions {
  capture: EpcisCapture;
  repository: EpcisEventStore;
  tokens: readonly ApiToken[];
  publicRead: boolean;
  limits: EpcisLimits;
  clock: Clock;
}

const STANDARD_HEADERS = { 'GS1-EPCIS-Version': '2.0.0', 'GS1-CBV-Version': '2.0.0' } as const;
const EPCIS_MEDIA_TYPES = ['application/ld+json'];

/**
 * The EPCIS 2.0 REST bindings (GS1 OpenAPI "REST Bindings"): capture (`/capture`, `/events` POST) and query
 * (`/events`, `/events/{eventID}`, `/eventTypes/{type}/events`, `/epcs/{epc}/events`). A fastify plugin; the API
 * server registers it with one line. Capture needs a write token, queries a read token.
 */
export async function epcisRoutes(app: FastifyInstance, options: EpcisRoutesOptions): Promise<void> {
  const authorize = createAuthorizer(options.tokens, options.publicRead);
  const guard = (scope: Scope) => async (request: FastifyRequest, reply: FastifyReply) =>
    authorize(request, reply, scope) ? undefined : reply;
  app.addContentTypeParser(
    EPCIS_MEDIA_TYPES,
    { parseAs: 'string', bodyLimit: options.limits.captureBytesMax },
    app.getDefaultJsonParser('error', 'error'),
  );
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(STANDARD_HEADERS);
    return reply.statusCode === 401 || reply.statusCode === 403 ? asSecurityProblem(reply, payload) : payload;
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    if (error.statusCode === 413)
      return sendProblem(reply, EpcisErrors.FILE_SIZE_LIMIT, { max: options.limits.captureBytesMax });
    if (error.statusCode !== undefined && error.statusCode < 500)
      return sendProblem(reply, EpcisErrors.VALIDATION, { reason: error.message });
    throw error;
  });
  registerCaptureRoutes(app, options, guard);
  registerQueryRoutes(app, options, guard);
}

/** Refuses new capture work while `captureQueueMax` captures wait (503 + Retry-After); undefined when there is room. */
function refuseWhenBusy(reply: FastifyReply, options: EpcisRoutesOptions): FastifyReply | undefined {
  const pending = options.capture.pending();
  if (pending < options.limits.captureQueueMax) return undefined;
  return sendProblem(reply.header('Retry-After', '5'), EpcisErrors.BUSY, { pending });
}

/** Route documentation for /openapi.json (validation stays in the handlers, with zod). */
function described(summary: string) {
  return { schema: { summary, tags: ['EPCIS 2.0'] } };
}

type Guard = (scope: Scope) => (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

function registerCaptureRoutes(app: FastifyInstance, options: EpcisRoutesOptions, guard: Guard): void {
  const { limits } = options;
  app.options('/capture', described('Capture limits and error behaviours (GS1 headers)'), async (_request, reply) =>
    reply
      .code(204)
      .headers({
        Allow: 'OPTIONS, GET, POST',
        'GS1-EPCIS-Capture-Limit': String(limits.captureEventsMax),
        'GS1-EPCIS-Capture-File-Size-Limit': String(limits.captureBytesMax),
        'GS1-Capture-Error-Behaviour': 'rollback, proceed',
      })
      .send(),
  );
  app.post(
    '/capture',
    {
      ...described('Capture an EPCISDocument: 202 + Location of the capture job'),
      bodyLimit: limits.captureBytesMax,
      onRequest: guard('write'),
    },
    async (request, reply) => captureDocument(request, reply, options),
  );
  app.get('/capture', { ...described('Capture jobs, most recent first'), onRequest: guard('read') }, async () =>
    options.repository.jobs(limits.jobsListedMax),
  );
  app.get<{ Params: { captureID: string } }>(
    '/capture/:captureID',
    { ...described('One capture job: running, success, errors'), onRequest: guard('read') },
    async (request, reply) => {
      const job = await options.repository.job(request.params.captureID);
      return job ?? sendProblem(reply, EpcisErrors.NOT_FOUND, { what: `capture job ${request.params.captureID}` });
    },
  );
  app.post(
    '/events',
    {
      ...described('Capture one event: 201, or 409 for its id with other content'),
      bodyLimit: limits.captureBytesMax,
      onRequest: guard('write'),
    },
    async (request, reply) => captureOneEvent(request, reply, options),
  );
}

/** POST /capture: the document is checked whole (header, schema, event count) before a capture job starts. */
async function captureDocument(request: FastifyRequest, reply: FastifyReply, options: EpcisRoutesOptions) {
  const { limits } = options;
  const busy = refuseWhenBusy(reply, options);
  if (busy) return busy;
  const behaviour = String(request.headers['gs1-capture-error-behaviour'] ?? 'rollback').toLowerCase();
  if (behaviour !== 'rollback' && behaviour !== 'proceed')
    return sendProblem(reply, EpcisErrors.VALIDATION, {
      reason: `GS1-Capture-Error-Behaviour must be rollback or proceed, not "${behaviour}"`,
    });
  const document = CaptureDocumentSchema.safeParse(request.body);
  if (!document.success)
    return sendProblem(reply, EpcisErrors.VALIDATION, { reason: formatIssues(document.error.issues.slice(0, 10)) });
  const eventList = document.data.epcisBody.eventList;
  if (eventList.length > limits.captureEventsMax)
    return sendProblem(reply, EpcisErrors.CAPTURE_LIMIT, { count: eventList.length, max: limits.captureEventsMax });
  const parsed = eventList.map((raw, index) => parseCaptureEvent(raw, index, document.data['@context']));
  const entries = parsed.map((entry) => ('event' in entry ? entry.event : entry));
  const job = await options.capture.startJob(entries, documentNamespaces(document.data), behaviour);
  return reply.code(202).header('Location', `/capture/${job.captureID}`).send();
}

/** POST /events: one event captured synchronously; its id with other content is a 409, not a silent duplicate. */
async function captureOneEvent(request: FastifyRequest, reply: FastifyReply, options: EpcisRoutesOptions) {
  const busy = refuseWhenBusy(reply, options);
  if (busy) return busy;
  const body = (request.body ?? {}) as Record<string, unknown>;
  const context = body['@context'] ?? EPCIS_CONTEXT;
  const parsed = parseCaptureEvent(body, 0, context);
  if ('error' in parsed) return sendProblem(reply, EpcisErrors.VALIDATION, { reason: parsed.error });
  const errors = await options.capture.captureEvent(parsed.event, namespacesOfContext(context));
  const conflict = errors.find((error) => error.title === EpcisErrors.EVENT_ID_CONFLICT.code);
  if (conflict) return sendProblem(reply, EpcisErrors.EVENT_ID_CONFLICT, { eventId: parsed.event.eventID });
  if (errors.length > 0) return sendProblem(reply, EpcisErrors.VALIDATION, { reason: errors[0]!.detail });
  return reply
    .code(201)
    .header('Location', `/events/${encodeURIComponent(parsed.event.eventID)}`)
    .send();
}

function registerQueryRoutes(app: FastifyInstance, options: EpcisRoutesOptions, guard: Guard): void {
  const answer = async (request: FastifyRequest, reply: FastifyReply, fixed: Partial<EventQuery>) => {
    const converted = toEventQuery(request.query);
    if ('reason' in converted) return sendProblem(reply, EpcisErrors.QUERY_PARAMETER, converted);
    const query = { ...converted.query, ...fixed };
    const { events, nextAfterSeq } = await options.repository.queryEvents(query);
    if (nextAfterSeq !== null) reply.header('Link', nextPageLink(request, encodePageToken(nextAfterSeq)));
    const format = epcFormatOf(request);
    const eventList = events.map((event) => withEpcFormat(event.body, format));
    return reply.type('application/ld+json').send(queryDocument(eventList, options.clock.nowMs()));
  };
  app.get(
    '/events',
    { ...described('Query events (EPCIS 2.0 query parameters, paged)'), onRequest: guard('read') },
    (request, reply) => answer(request, reply, {}),
  );
  app.get<{ Params: { eventType: string } }>(
    '/eventTypes/:eventType/events',
    { ...described('Events of one type'), onRequest: guard('read') },
    (request, reply) => answer(request, reply, { eventTypes: [request.params.eventType] }),
  );
  app.get<{ Params: { epc: string } }>(
    '/epcs/:epc/events',
    { ...described('Events naming one EPC (URN or Digital Link)'), onRequest: guard('read') },
    (request, reply) => {
      const converted = toEventQuery({ MATCH_anyEPC: request.params.epc });
      return answer(request, reply, 'query' in converted ? { epcs: converted.query.epcs ?? [] } : { epcs: [] });
    },
  );
  app.get<{ Params: { eventID: string } }>(
    '/events/:eventID',
    { ...described('One event by its eventID'), onRequest: guard('read') },
    async (request, reply) => {
      const event = await options.repository.eventById(request.params.eventID);
      if (!event) return sendProblem(reply, EpcisErrors.NOT_FOUND, { what: `event ${request.params.eventID}` });
      return reply.type('application/ld+json').send(withEpcFormat(event.body, epcFormatOf(request)));
    },
  );
}

/** The shared bearer-token check answers `{code, message}`; EPCIS clients expect a SecurityException problem. */
function asSecurityProblem(reply: FastifyReply, payload: unknown): unknown {
  if (typeof payload !== 'string') return payload;
  try {
    const { code, message } = JSON.parse(payload) as { code?: string; message?: string };
    reply.type('application/problem+json');
    const type = 'epcisException:SecurityException';
    return JSON.stringify({ type, title: code, status: reply.statusCode, detail: message, code });
  } catch {
    return payload;
  }
}

function epcFormatOf(request: FastifyRequest): EpcFormat {
  const header = String(request.headers['gs1-epc-format'] ?? '');
  return header === 'Always_GS1_Digital_Link' ? 'digital_link' : 'as_stored';
}

function nextPageLink(request: FastifyRequest, token: string): string {
  const url = new URL(request.url, 'http://localhost');
  url.searchParams.set('nextPageToken', token);
  return `<${url.pathname}${url.search}>; rel="next"`;
}

function queryDocument(eventList: unknown[], nowMs: number) {
  return {
    '@context': EPCIS_CONTEXT,
    type: 'EPCISQueryDocument',
    schemaVersion: '2.0',
    creationDate: new Date(nowMs).toISOString(),
    epcisBody: { queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList } } },
  };
}

export type { CapturedEvent };
