export { DashboardConfigSchema, type DashboardConfig } from './config.js';
export { registerDashboard, type DashboardDeps } from './register.js';
