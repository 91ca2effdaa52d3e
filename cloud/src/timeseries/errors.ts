import { defineErrors } from '../../../shared/src/errors.js';

/** Errors of the time-series sink (cloud/src/timeseries). None of them stops the ledger. */
export const TimeseriesErrors = defineErrors({
  WRITE_FAILED: {
    code: 'SW_TIMESERIES_WRITE_FAILED',
    message:
      'writing {lines} points to InfluxDB at {url} failed: {reason}; points stay buffered and are retried. Check that InfluxDB is running and the url/database/token are right',
  },
  POINTS_DROPPED: {
    code: 'SW_TIMESERIES_POINTS_DROPPED',
    message:
      '{count} points were dropped ({reason}); raise timeseries.bufferPointsMax or retryAttemptsMax, or fix the InfluxDB connection',
  },
  DATABASE_SETUP_FAILED: {
    code: 'SW_TIMESERIES_DATABASE_SETUP_FAILED',
    message:
      'could not create InfluxDB database {database} at {url}: {reason}; create it by hand or grant the user admin rights (writes are still attempted)',
  },
});
