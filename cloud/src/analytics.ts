import type { FastifyInstance } from 'fastify';
import type { MqttClient } from 'mqtt';
import { z } from 'zod';
import type { Clock } from '../../shared/src/clock.js';
import type { Logger } from '../../shared/src/log.js';
import { AlertsConfigSchema } from './alerts/config.js';
import { collectRetainedAlerts, mqttPublishFn } from './alerts/mqtt.js';
import type { PublishFn } from './alerts/publisher.js';
import { AlertService } from './alerts/service.js';
import type { AnalyticsLedgerView } from './alerts/view.js';
import type { CloudEvents } from './events.js';
import { ForecastConfigSchema } from './forecast/config.js';
import { ForecastService } from './forecast/service.js';
import { TimeseriesConfigSchema } from './timeseries/config.js';
import { createTimeseriesSink } from './timeseries/index.js';
import type { TimeseriesSink } from './timeseries/sink.js';
import { DashboardConfigSchema } from './dashboard/config.js';
import { registerDashboard } from './dashboard/register.js';
import type { AccuracyTileData } from './accuracy/tile.js';

/** The analytics part of the cloud config: one key per part, each strict with defaults. */
export const AnalyticsConfigSchema = z
  .object({
    timeseries: TimeseriesConfigSchema.default({}),
    alerts: AlertsConfigSchema.default({}),
    forecast: ForecastConfigSchema.default({}),
    dashboard: DashboardConfigSchema.default({}),
  })
  .strict();
export type AnalyticsConfig = z.infer<typeof AnalyticsConfigSchema>;

export interface AnalyticsDeps {
  events: CloudEvents;
  view: AnalyticsLedgerView;
  clock: Clock;
  logger: Logger;
  /** The API's fastify instance, not yet listening; the dashboard registers on it. */
  app?: FastifyInstance | undefined;
  /** A connected client for alerts (retained on stockwire/v1/alerts/…); or a bare publish function. */
  mqtt?: MqttClient | undefined;
  publish?: PublishFn | undefined;
  /** How long to collect alerts left retained by a previous run (needs `mqtt`). */
  retainedAlertsWaitMs?: number | undefined;
  /** The dashboard's finance view (the books). */
  finance?: { summary(nowMs: number): Promise<unknown> } | undefined;
  /** The dashboard's accuracy tile (latest measured IRA). */
  accuracy?: { latest(): Promise<AccuracyTileData | null> } | undefined;
}

export interface Analytics {
  sink: TimeseriesSink | null;
  alerts: AlertService;
  forecast: ForecastService;
  stop(): Promise<void>;
}

/**
 * Starts the analytics side in the order that loses nothing: the time-series sink first
 * (it only buffers), then alerts (adopting what a previous run left retained), the
 * forecast, and the dashboard routes. `stop()` undoes it in reverse.
 */
export async function startAnalytics(config: AnalyticsConfig, deps: AnalyticsDeps): Promise<Analytics> {
  const logger = deps.logger;
  const detachers: (() => void)[] = [];
  const sink = createTimeseriesSink(config.timeseries, {
    clock: deps.clock,
    logger: logger.child({ part: 'timeseries' }),
  });
  if (sink) {
    await sink.start();
    detachers.push(sink.attach(deps.events));
  }
  const publish = deps.publish ?? (deps.mqtt ? mqttPublishFn(deps.mqtt) : undefined);
  const alerts = new AlertService(config.alerts, {
    view: deps.view,
    publish,
    clock: deps.clock,
    logger: logger.child({ part: 'alerts' }),
  });
  if (deps.mqtt && config.alerts.enabled) {
    try {
      alerts.adopt(
        await collectRetainedAlerts(deps.mqtt, {
          clock: deps.clock,
          logger,
          waitMs: deps.retainedAlertsWaitMs ?? 500,
          alertsMax: config.alerts.alertsMax,
        }),
      );
    } catch (error) {
      logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'could not read retained alerts; stale ones may stay on the broker until their condition recurs and ends',
      );
    }
  }
  detachers.push(alerts.attach(deps.events));
  alerts.start();
  const forecast = new ForecastService(config.forecast, { view: deps.view, clock: deps.clock });
  if (deps.app) {
    await registerDashboard(deps.app, {
      events: deps.events,
      view: deps.view,
      alerts,
      forecast,
      timeseries: sink,
      clock: deps.clock,
      logger: logger.child({ part: 'dashboard' }),
      config: config.dashboard,
      ageingBucketsDays: config.alerts.ageingBucketsDays,
      finance: deps.finance,
      accuracy: deps.accuracy,
    });
  }
  return {
    sink,
    alerts,
    forecast,
    async stop() {
      for (const detach of detachers.reverse()) detach();
      await alerts.close();
      await sink?.close();
    },
  };
}
