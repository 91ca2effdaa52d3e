import { defineErrors } from '../../../shared/src/errors.js';

/** Reservation outcomes the API answers with a code. */
export const ReservationErrors = defineErrors({
  UNAVAILABLE: {
    code: 'SW_RESERVATION_UNAVAILABLE',
    message: 'cannot reserve {wanted}: only {available} available (on hand − reserved); see `available` per line',
  },
  ID_CONFLICT: {
    code: 'SW_RESERVATION_ID_CONFLICT',
    message: 'order {orderId} is already reserved with other lines: use a new order id or cancel the old one',
  },
  NOT_OPEN: {
    code: 'SW_RESERVATION_NOT_OPEN',
    message: 'reservation {id} is {status}: only an open reservation can be fulfilled or cancelled',
  },
  UNKNOWN_TRANSACTION: {
    code: 'SW_RESERVATION_UNKNOWN_TRANSACTION',
    message: 'transaction {transactionId} is not an applied ledger transaction: fulfil with the sale or shipment id',
  },
  UNKNOWN_LOCATION: {
    code: 'SW_RESERVATION_UNKNOWN_LOCATION',
    message: 'location {location} is not in the catalog nor registered: reserve at a known location or a site',
  },
});
