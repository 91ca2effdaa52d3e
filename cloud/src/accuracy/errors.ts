import { defineErrors } from '../../../shared/src/errors.js';

/** Why `stockwire-cloud accuracy` cannot measure: the truth file is not what a simulator writes. */
export const AccuracyErrors = defineErrors({
  TRUTH_HEADER: {
    code: 'SW_ACCURACY_TRUTH_HEADER',
    message: 'truth file {file} does not start with a stockwire/truth/v1 header line: {reason}',
  },
  TRUTH_LINE: {
    code: 'SW_ACCURACY_TRUTH_LINE',
    message: 'truth file {file} line {line} is not a truth record: {reason}',
  },
  USAGE: { code: 'SW_ACCURACY_USAGE', message: '{reason}; run stockwire-cloud accuracy --help' },
});
