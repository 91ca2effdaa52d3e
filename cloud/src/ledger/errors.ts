import { defineErrors } from '../../../shared/src/errors.js';

/**
 * Ledger outcomes and errors. A rejected transaction is an expected outcome: it is
 * returned as `{ status: 'rejected', code, reason }` with one of these codes (and
 * dead-lettered by the MQTT consumer, 4xx from the API). Nothing of it is written.
 */
export const LedgerErrors = defineErrors({
  NOT_A_PACK: {
    code: 'SW_LEDGER_NOT_A_PACK',
    message: 'product {product} contains nothing to unpack{why}: give it `contains: { product, qty }` in the catalog',
  },
  PARTIAL_PACK: {
    code: 'SW_LEDGER_PARTIAL_PACK',
    message: 'unpack of {qty} {product}: open whole packs only',
  },
  INVALID_TRANSACTION: { code: 'SW_LEDGER_INVALID_TRANSACTION', message: 'transaction is invalid:\n{issues}' },
  UNKNOWN_PRODUCT: {
    code: 'SW_LEDGER_UNKNOWN_PRODUCT',
    message: 'unknown product {product}: add it to the catalog or declare it with a product transaction first',
  },
  PRODUCT_MISMATCH: {
    code: 'SW_LEDGER_PRODUCT_MISMATCH',
    message: 'EPC {epc} belongs to product {epcProduct}, not {product}: drop "product" or the EPC',
  },
  NO_PRODUCT_EPCS: {
    code: 'SW_LEDGER_NO_PRODUCT_EPCS',
    message: 'none of the EPCs identifies a product (SGTIN): nothing to book',
  },
  ZERO_QUANTITY: {
    code: 'SW_LEDGER_ZERO_QUANTITY',
    message: '{type} of {product} has quantity 0: send a positive quantity',
  },
  INSUFFICIENT_STOCK: {
    code: 'SW_LEDGER_INSUFFICIENT_STOCK',
    message:
      'cannot take {qty} of {product} from {location}: only {availableQty} available and the product does not allow negative stock',
  },
  MISSING_COST: {
    code: 'SW_LEDGER_MISSING_COST',
    message: '{type} of {product} has no unitCost and the product has no standardCost: send unitCost',
  },
  UNKNOWN_ORIGINAL: {
    code: 'SW_LEDGER_UNKNOWN_ORIGINAL',
    message: '"of": {of} is not an applied {expected} of product {product}',
  },
  NOT_REVERSIBLE: { code: 'SW_LEDGER_NOT_REVERSIBLE', message: 'cannot reverse {of}: {why}' },
  ALREADY_REVERSED: { code: 'SW_LEDGER_ALREADY_REVERSED', message: '{of} was already reversed by {reversedBy}' },
  VALUATION_CHANGE: {
    code: 'SW_LEDGER_VALUATION_CHANGE',
    message:
      'product {product} is valued {current}; changing it to {requested} would re-value booked stock: keep the method',
  },
  PERIOD_NOT_ENDED: {
    code: 'SW_LEDGER_PERIOD_NOT_ENDED',
    message: 'period {period} has not ended yet (it ends at {end}): close a month after its last day',
  },
  MAGNITUDE_LIMIT: {
    code: 'SW_LEDGER_MAGNITUDE_LIMIT',
    message:
      'refused: the {what} would be {value}, beyond the ledger limit of ±{limit} (docs/ledger.md, magnitude limit); nothing was booked: split or correct the amounts',
  },
  SITE_MISMATCH: {
    code: 'SW_LEDGER_SITE_MISMATCH',
    message:
      'a gateway of site {site} may not {action} {location} (site {locationSite}): gateways book only at their own site; move stock between sites with an API transfer, or declare the gateway in ingest.crossSiteGateways',
  },
  ID_CONFLICT: {
    code: 'SW_LEDGER_ID_CONFLICT',
    message:
      'transaction id {id} was already used for a different payload: send a new id (or the original payload to get its result)',
  },
});

export type LedgerErrorCode = (typeof LedgerErrors)[keyof typeof LedgerErrors]['code'];
