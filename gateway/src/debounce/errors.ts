import { defineErrors } from '../../../shared/src/errors.js';

/** Errors of the debounce engine and of `stockwire-gateway replay`. */
export const DebounceErrors = defineErrors({
  CONFIG_INVALID: {
    code: 'SW_DEBOUNCE_CONFIG_INVALID',
    message: 'debounce settings are invalid:\n{issues}\nfix the debounce section of the gateway config',
  },
  REPLAY_USAGE: {
    code: 'SW_REPLAY_USAGE',
    message:
      '{problem}\nusage: stockwire-gateway replay --config <gateway.yaml> <reads.jsonl> [--tick-ms <n>] [--diagnostics]',
  },
  REPLAY_BAD_LINE: {
    code: 'SW_REPLAY_BAD_LINE',
    message:
      '{file}:{line}: {problem} (line skipped): each line must be one JSON raw read {"epc","antenna","rssi","time","reader"}',
  },
  REPLAY_UNREADABLE: { code: 'SW_REPLAY_UNREADABLE', message: 'cannot read reads file {file}: {reason}' },
});
