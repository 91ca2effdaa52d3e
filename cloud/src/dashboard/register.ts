import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { systemClock, type Clock } from '../../../shared/src/clock.js';
import type { GatewayStatus } from '../../../shared/src/contracts/status.js';
import type { Logger } from '../../../shared/src/log.js';
import { ageingBuckets } from '../alerts/rules/ageing.js';
import type { AlertSource } from '../alerts/service.js';
import type { AnalyticsLedgerView } from '../alerts/view.js';
import type { CloudEvents, DeadLetterNotice, PositionChange } from '../events.js';
import type { AccuracyTileData } from '../accuracy/tile.js';
import type { ProductForecast } from '../forecast/service.js';
import { DashboardConfigSchema, type DashboardConfig } from './config.js';
import { LiveState } from './live-state.js';
import { DASHBOARD_CSS, DASHBOARD_HTML, DASHBOARD_JS } from './page.js';
import { SseHub } from './sse.js';

export interface DashboardDeps {
  events: CloudEvents;
  view: AnalyticsLedgerView;
  logger: Logger;
  alerts?: AlertSource | undefined;
  forecast?: { forecastAll(): Promise<ProductForecast[]> } | undefined;
  /** Anything with stats(), e.g. the time-series sink; shown as a health line. */
  timeseries?: { stats(): object } | null | undefined;
  clock?: Clock | undefined;
  /** Partial dashboard config; defaults from DashboardConfigSchema. */
  config?: z.input<typeof DashboardConfigSchema> | undefined;
  /** Ageing bucket bounds in days, shared with the alerts config. */
  ageingBucketsDays?: readonly number[] | undefined;
  /** The books (inventory value, COGS, margin, GRNI, shrinkage, journal) at `<basePath>/api/finance`. */
  finance?: { summary(nowMs: number): Promise<unknown> } | undefined;
  /** The latest measured inventory record accuracy at `<basePath>/api/accuracy` (null: no truth attached). */
  accuracy?: { latest(): Promise<AccuracyTileData | null> } | undefined;
}

const HistoryQuerySchema = z
  .object({
    product: z.string().min(1).max(200),
    location: z.string().min(1).max(500).optional(),
    /** The read token (checked by the auth hook before this route runs). */
    access_token: z.string().max(512).optional(),
  })
  .strict();

/**
 * The page asks for app.js and app.css with the token it was opened with: with
 * publicRead false they need it as much as the page (issue 12). The token passed the
 * auth hook already; encodeURIComponent leaves no quote or angle bracket in it.
 */
function pageWithToken(page: string, query: unknown): string {
  const token = (query as Record<string, unknown> | undefined)?.['access_token'];
  if (typeof token !== 'string' || token.length === 0) return page;
  const suffix = `?access_token=${encodeURIComponent(token)}`;
  return page.replace(/(\/app\.(?:js|css))"/g, `$1${suffix}"`);
}

/**
 * Registers the live dashboard on an existing fastify instance (before it listens):
 * `GET <basePath>` (one static page, no build step, no CDN), `<basePath>/events`
 * (Server-Sent Events: positions, movements, alerts, gateway status) and the JSON it reads,
 * `<basePath>/api/{state,history,alerts,forecast,ageing,finance,accuracy,health}`.
 */
export async function registerDashboard(app: FastifyInstance, deps: DashboardDeps): Promise<void> {
  const config: DashboardConfig = DashboardConfigSchema.parse(deps.config ?? {});
  if (!config.enabled) return;
  const clock = deps.clock ?? systemClock;
  const hub = new SseHub(
    {
      clientsMax: config.sseClientsMax,
      backlogBytesMax: config.sseBacklogBytesMax,
      heartbeatMs: config.sseHeartbeatMs,
    },
    { clock, logger: deps.logger },
  );
  const context: DashboardContext = { app, deps, base: config.basePath, clock, live: new LiveState(config), hub };
  followCloudEvents(context);
  registerPageRoutes(context);
  registerStateRoutes(context);
  registerAnalyticsRoutes(context);
}

/** What the dashboard's route groups share: the live state they read and the SSE hub they broadcast on. */
interface DashboardContext {
  app: FastifyInstance;
  deps: DashboardDeps;
  base: string;
  clock: Clock;
  live: LiveState;
  hub: SseHub;
}

/** Cloud events → live state → SSE; unsubscribed when the server closes. */
function followCloudEvents({ app, deps, clock, live, hub }: DashboardContext): void {
  const onPositions = (changes: PositionChange[]): void => {
    const movements = live.applyPositions(changes);
    hub.broadcast('positions', movements);
  };
  const onStatus = (status: GatewayStatus, topic: string): void => {
    hub.broadcast('gateway', live.applyGatewayStatus(status, topic, new Date(clock.nowMs()).toISOString()));
  };
  const onDeadLetter = (notice: DeadLetterNotice): void => hub.broadcast('deadletter', notice);
  deps.events.on('positionsChanged', onPositions);
  deps.events.on('gatewayStatus', onStatus);
  deps.events.on('deadLetter', onDeadLetter);
  const stopAlerts = deps.alerts?.onChange((changes) => hub.broadcast('alerts', changes));

  app.addHook('preClose', async () => {
    // open event streams would otherwise keep the server from closing
    hub.close();
  });
  app.addHook('onClose', async () => {
    deps.events.off('positionsChanged', onPositions);
    deps.events.off('gatewayStatus', onStatus);
    deps.events.off('deadLetter', onDeadLetter);
    stopAlerts?.();
  });
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** The page, its script and style, and the event stream. */
function registerPageRoutes({ app, deps, base, hub }: DashboardContext): void {
  const page = DASHBOARD_HTML.replaceAll('{{base}}', base);
  for (const path of [base, `${base}/`]) {
    app.get(path, async (request, reply) =>
      reply
        .headers({ ...SECURITY_HEADERS, 'cache-control': 'no-store' })
        .type('text/html; charset=utf-8')
        .send(pageWithToken(page, request.query)),
    );
  }
  app.get(`${base}/app.js`, async (_request, reply) =>
    reply.headers(SECURITY_HEADERS).type('text/javascript; charset=utf-8').send(DASHBOARD_JS),
  );
  app.get(`${base}/app.css`, async (_request, reply) =>
    reply.headers(SECURITY_HEADERS).type('text/css; charset=utf-8').send(DASHBOARD_CSS),
  );

  app.get(`${base}/events`, (request, reply) => {
    reply.hijack();
    if (hub.add(reply.raw)) deps.logger.debug({ clients: hub.size, remote: request.ip }, 'dashboard client connected');
  });
}

/** The page's starting state, a position's history, the alert list and the dashboard's own health. */
function registerStateRoutes({ app, deps, base, clock, live, hub }: DashboardContext): void {
  app.get(`${base}/api/state`, async () => {
    const [positions, products] = await Promise.all([deps.view.positions(), deps.view.products()]);
    const nowIso = new Date(clock.nowMs()).toISOString();
    for (const position of positions) live.seedLevel(position.product, position.location, nowIso, position.qty);
    return {
      time: nowIso,
      positions,
      products: products.map((product) => ({
        product: product.product,
        name: product.name ?? null,
        reorderPoint: product.reorderPoint,
        reorderQty: product.reorderQty,
      })),
      alerts: deps.alerts?.list() ?? [],
      gateways: live.gatewayList(),
      movements: live.recentMovements(),
    };
  });

  app.get(`${base}/api/history`, async (request, reply) => {
    const query = HistoryQuerySchema.safeParse(request.query);
    if (!query.success)
      return reply
        .code(400)
        .send({ code: 'SW_DASHBOARD_BAD_QUERY', message: 'expected ?product=<GTIN>[&location=<id>]' });
    return { product: query.data.product, series: live.historyOf(query.data.product, query.data.location) };
  });

  app.get(`${base}/api/alerts`, async () => ({ alerts: deps.alerts?.list() ?? [] }));

  app.get(`${base}/api/health`, async () => ({
    dashboardClients: hub.size,
    slowClientsDropped: hub.slowClientsDropped,
    timeseries: deps.timeseries?.stats() ?? null,
  }));
}

/** Forecast, stock ageing, the books and the measured accuracy. */
function registerAnalyticsRoutes({ app, deps, base, clock }: DashboardContext): void {
  const bucketsDays = deps.ageingBucketsDays ?? [30, 60, 90];
  app.get(`${base}/api/forecast`, async () => ({ forecasts: deps.forecast ? await deps.forecast.forecastAll() : [] }));

  app.get(`${base}/api/ageing`, async () => {
    const layers = await deps.view.layers();
    const byProduct = new Map<string, typeof layers>();
    for (const layer of layers) {
      const list = byProduct.get(layer.product);
      if (list) list.push(layer);
      else byProduct.set(layer.product, [layer]);
    }
    const nowMs = clock.nowMs();
    return {
      buckets: [...byProduct].map(([product, productLayers]) => ({
        product,
        buckets: ageingBuckets(productLayers, nowMs, bucketsDays),
      })),
    };
  });

  app.get(`${base}/api/finance`, async () => (deps.finance ? deps.finance.summary(clock.nowMs()) : null));

  app.get(`${base}/api/accuracy`, async () => ({ accuracy: deps.accuracy ? await deps.accuracy.latest() : null }));
}
