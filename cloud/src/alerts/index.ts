export { AlertsConfigSchema, type AlertsConfig } from './config.js';
export { AlertErrors } from './errors.js';
export {
  evaluateAlerts,
  initialAlertState,
  type AlertEngineState,
  type AlertInput,
  type AlertOutcome,
} from './engine.js';
export { AlertService, type AlertChanges, type AlertSource, type AlertStats } from './service.js';
export { alertTopic, topicSafe, fromTopicSafe, ALERTS_SUBSCRIPTION, type PublishFn } from './publisher.js';
export { collectRetainedAlerts, mqttPublishFn } from './mqtt.js';
export { ageingBuckets, type AgeingBucket } from './rules/ageing.js';
export { AlertSchema, ALERT_KINDS, type Alert, type AlertKind } from './types.js';
export type * from './view.js';
export { createStoreView, type LedgerStoreLike, type StoreView, type StoreViewOptions } from './store-adapter.js';
export { FifoAgeingTracker, OUTBOUND_KINDS } from './fifo-tracker.js';
