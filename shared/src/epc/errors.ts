import { defineErrors } from '../errors.js';

/**
 * Errors of the EPC codec. Only the strict entry points throw them
 * (`decodeEpcStrict`, the encoders); `decodeEpc` never throws and returns a raw
 * URN with the same code as `reason` instead.
 */
export const EpcErrors = defineErrors({
  NOT_HEX: {
    code: 'SW_EPC_NOT_HEX',
    message:
      'EPC "{epc}" is not a hex string of 4 to 124 digits: pass the EPC bank contents as hex (PC word and CRC excluded)',
  },
  UNKNOWN_HEADER: {
    code: 'SW_EPC_UNKNOWN_HEADER',
    message:
      'EPC header 0x{header} is not a GS1 scheme this codec decodes (SGTIN-96/198, SSCC-96, SGLN-96, GRAI-96, GIAI-96): keep the raw URN or map the tag with debounce.tagMap',
  },
  BAD_LENGTH: {
    code: 'SW_EPC_BAD_LENGTH',
    message:
      'EPC {scheme} needs {needBits} bits but the tag holds {haveBits}: check that the reader reports the whole EPC bank',
  },
  BAD_PARTITION: {
    code: 'SW_EPC_BAD_PARTITION',
    message: 'EPC {scheme} partition value {partition} is reserved (valid 0-6): the tag was mis-encoded',
  },
  FIELD_RANGE: {
    code: 'SW_EPC_FIELD_RANGE',
    message: 'EPC {scheme} field {field} value {value} has more than {digits} digits: the tag was mis-encoded',
  },
  BAD_SERIAL: {
    code: 'SW_EPC_BAD_SERIAL',
    message:
      'EPC {scheme} alphanumeric serial holds a character outside the GS1 set (code {charCode}): the tag was mis-encoded',
  },
  RESERVED_BITS: {
    code: 'SW_EPC_RESERVED_BITS',
    message:
      'EPC {scheme} reserved bits {first}-{last} hold {value}, TDS requires zeros: the tag was mis-encoded or is not {scheme}',
  },
  BAD_INPUT: { code: 'SW_EPC_BAD_INPUT', message: 'cannot encode {scheme}: {reason}' },
});

export type EpcErrorCode = (typeof EpcErrors)[keyof typeof EpcErrors]['code'];
