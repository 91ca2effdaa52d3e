import { defineErrors } from '../../../shared/src/errors.js';

/**
 * Errors of receiving (purchase orders, ASNs, supplier invoices). Each is bad input from a
 * client or a supplier: the API answers 4xx with the code, nothing is written.
 */
export const ReceivingErrors = defineErrors({
  UNKNOWN_PURCHASE_ORDER: {
    code: 'SW_RECEIVING_UNKNOWN_PURCHASE_ORDER',
    message: 'purchase order {id} does not exist: create it with POST /purchase-orders first',
  },
  UNKNOWN_ASN: { code: 'SW_RECEIVING_UNKNOWN_ASN', message: 'ASN {id} does not exist' },
  ID_CONFLICT: {
    code: 'SW_RECEIVING_ID_CONFLICT',
    message: '{kind} {id} already exists with other content: use a new id, or resend the exact same body',
  },
  PURCHASE_ORDER_NOT_OPEN: {
    code: 'SW_RECEIVING_PURCHASE_ORDER_NOT_OPEN',
    message: 'purchase order {id} is {status}: {action} needs an open or partially received order',
  },
  SUPPLIER_MISMATCH: {
    code: 'SW_RECEIVING_SUPPLIER_MISMATCH',
    message: 'purchase order {id} is from supplier {expected}, not {supplier}',
  },
  UNKNOWN_LINE: {
    code: 'SW_RECEIVING_UNKNOWN_LINE',
    message: 'purchase order {id} has no line {line}{detail}',
  },
  INVOICE_EXCEEDS_RECEIPT: {
    code: 'SW_RECEIVING_INVOICE_EXCEEDS_RECEIPT',
    message:
      'invoice line for {id} line {line} bills {qty} but only {uninvoiced} received and not yet invoiced: book the receipt first or invoice less',
  },
  NOTHING_TO_RESOLVE: {
    code: 'SW_RECEIVING_NOTHING_TO_RESOLVE',
    message: 'ASN {id} has no {state} case {detail}: look at GET /asns/{id} for what is open',
  },
  SSCC_ON_OTHER_ASN: {
    code: 'SW_RECEIVING_SSCC_ON_OTHER_ASN',
    message: 'pallet {sscc} is already on open ASN {other}: close that ASN or use another SSCC',
  },
  SUPPLIER_EVENT_UNUSABLE: {
    code: 'SW_RECEIVING_SUPPLIER_EVENT_UNUSABLE',
    message: 'supplier EPCIS event {eventId} cannot make an ASN: {reason}',
  },
  LEDGER_REJECTED: {
    code: 'SW_RECEIVING_LEDGER_REJECTED',
    message: 'the ledger refused {id}: {reason}',
  },
});
