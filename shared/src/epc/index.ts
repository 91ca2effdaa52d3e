/** EPC Tag Data Standard codec: binary (hex) EPCs → GS1 keys and pure-identity URNs. */
export {
  decodeEpc,
  decodeEpcStrict,
  rawEpcUrn,
  type EpcDecoding,
  type Gs1Epc,
  type MappedEpc,
  type RawEpc,
} from './decode.js';
export { encodeSgtin96, encodeSscc96, type Sgtin96Fields, type Sscc96Fields } from './encode.js';
export { EpcErrors, type EpcErrorCode } from './errors.js';
export { gs1CheckDigit, hasValidCheckDigit, withCheckDigit, escapeUrnComponent, unescapeUrnComponent } from './gs1.js';
export { createEpcResolver, MAPPED_SERIAL_CHARACTERS_MAX, type EpcResolver, type TagMapEntry } from './tag-map.js';
export type { EpcScheme } from './tables.js';
