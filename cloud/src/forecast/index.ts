export { ForecastConfigSchema, type ForecastConfig } from './config.js';
export { ForecastService, type ProductForecast } from './service.js';
export { dailyDemand, forecastDemand, smoothedLevel, type DemandForecast, type SalePoint } from './smoothing.js';
