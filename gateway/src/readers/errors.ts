import { defineErrors } from '../../../shared/src/errors.js';

/** Errors raised by reader drivers. Link problems are counted in health() and retried, never fatal. */
export const ReaderErrors = defineErrors({
  CONNECT_FAILED: {
    code: 'SW_READER_CONNECT_FAILED',
    message:
      'reader {readerId} ({protocol}) could not connect: {reason}; the driver keeps retrying with backoff, check wiring/device/endpoint',
  },
  CLOSED: { code: 'SW_READER_CLOSED', message: 'reader {readerId} was closed; create a new driver to use it again' },
  TIMEOUT: {
    code: 'SW_READER_TIMEOUT',
    message: 'reader {readerId} did not answer {command} within {timeoutMs} ms; check baud rate, address and cable',
  },
  BAD_FRAME: {
    code: 'SW_READER_BAD_FRAME',
    message:
      'reader {readerId} sent a malformed frame: {reason}; check baud rate and that nothing else shares the port',
  },
  BAD_EVENT: {
    code: 'SW_READER_BAD_EVENT',
    message:
      'reader {readerId} pushed an event the gateway cannot use: {reason}; it was counted and skipped, check the reader firmware and its event output settings',
  },
  READER_STATUS: {
    code: 'SW_READER_STATUS',
    message: 'reader {readerId} answered {command} with status {status}: {meaning}',
  },
  SCENARIO: {
    code: 'SW_READER_SCENARIO',
    message: 'simulated reader {readerId}: {reason}; fix the scenario or scenarioReaderId',
  },
  SIMULATED_NOT_BUILT_IN: {
    code: 'SW_READER_SIMULATED_NOT_BUILT_IN',
    message:
      'reader {readerId}: protocol "simulated" is played by the simulators, not shipped in the gateway; run this config with `stockwire-sim gateway --config <file>` (or `npm start`), or point the reader at real hardware',
  },
  OPCUA_NO_DEVICE: {
    code: 'SW_READER_OPCUA_NO_DEVICE',
    message:
      'OPC UA server {endpointUrl} exposes no RfidReaderDeviceType {deviceName} (AutoID namespace {namespaceUri}); check deviceName and that the server loads the AutoID nodeset',
  },
  OPCUA_CALL: {
    code: 'SW_READER_OPCUA_CALL',
    message: 'OPC UA method {method} on reader {readerId} failed with {status}',
  },
  LLRP_CONNECTION_REFUSED: {
    code: 'SW_READER_LLRP_CONNECTION_REFUSED',
    message:
      'LLRP reader {readerId} at {address} refused the connection: {reason} (ConnectionAttemptEvent status {status}); another client or a stale session holds it, the driver retries with backoff (close the other client or wait for the reader to drop it)',
  },
  LLRP_STATUS: {
    code: 'SW_READER_LLRP_STATUS',
    message: 'LLRP reader {readerId} answered {message} with status {statusCode}: {description}',
  },
  LLRP_KEEPALIVE_LOST: {
    code: 'SW_READER_LLRP_KEEPALIVE_LOST',
    message:
      'LLRP reader {readerId} sent nothing for {silenceMs} ms (keepalive every {keepaliveMs} ms): the link is dead, reconnecting; check the network path to the reader',
  },
  LLRP_DECODE: {
    code: 'SW_READER_LLRP_DECODE',
    message: 'cannot decode the LLRP message: {reason}',
  },
});
