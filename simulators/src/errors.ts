import { defineErrors } from '../../shared/src/errors.js';

/** Errors raised by the simulators (scenario files, CLI, protocol servers). */
export const SimulatorErrors = defineErrors({
  BAD_GTIN: {
    code: 'SW_SIM_BAD_GTIN',
    message: 'GTIN {gtin} is not 14 digits with a valid check digit: fix the scenario population',
  },
  BAD_COMPANY_PREFIX: {
    code: 'SW_SIM_BAD_COMPANY_PREFIX',
    message:
      'company prefix length {length} is not 6..12 digits (GS1 partition table): set companyPrefixLength correctly',
  },
  SERIAL_OVERFLOW: {
    code: 'SW_SIM_SERIAL_OVERFLOW',
    message: 'serial {serial} does not fit the {bits}-bit field of {scheme}: lower serialStart or the loop count',
  },
  SCENARIO_REFERENCE: {
    code: 'SW_SIM_SCENARIO_REFERENCE',
    message: 'scenario {scenario}: {what} "{id}" is not defined; declare it or fix the reference',
  },
  PTY_FAILED: {
    code: 'SW_SIM_PTY_FAILED',
    message: 'could not create a pseudo-terminal pair with socat: {reason}; install socat (scripts/provision.sh)',
  },
  USAGE: { code: 'SW_SIM_USAGE', message: '{reason}; run stockwire-sim --help' },
});
