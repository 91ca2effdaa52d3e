export { DashboardConfigSchema, type DashboardConfig } from './config.js';
export { registerDashboard, type DashboardDeps } from './register.js';
export {
  AnalyticsConfigSchema,
  startAnalytics,
  type Analytics,
  type AnalyticsConfig,
  type AnalyticsDeps,
} from './analytics.js';
