import { defineErrors } from './errors.js';

/** Errors raised by shared/ (config loading, contracts). */
export const SharedErrors = defineErrors({
  CONFIG_UNREADABLE: { code: 'SW_CONFIG_UNREADABLE', message: 'cannot read config file {file}: {reason}' },
  CONFIG_SYNTAX: { code: 'SW_CONFIG_SYNTAX', message: 'config file {file} is not valid {format}: {reason}' },
  CONFIG_INVALID: { code: 'SW_CONFIG_INVALID', message: 'config file {file} is invalid:\n{issues}' },
});
