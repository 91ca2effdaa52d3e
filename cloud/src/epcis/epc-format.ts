import { toCanonicalDigitalLink } from '../../../shared/src/epcis/digital-link.js';

/**
 * `GS1-EPC-Format`: `Always_GS1_Digital_Link` gives every EPC, parent and class as a canonical Digital Link URI;
 * anything else gives them as stored (our gateways send EPC URNs). A Digital Link cannot be turned back into a URN
 * without knowing the company prefix length, so `Always_EPC_URN` is answered as stored too.
 */
export type EpcFormat = 'digital_link' | 'as_stored';

const EPC_LISTS = ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList'];
const QUANTITY_LISTS = ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'];

const link = (value: unknown) => (typeof value === 'string' ? (toCanonicalDigitalLink(value) ?? value) : value);

export function withEpcFormat(event: Record<string, unknown>, format: EpcFormat): Record<string, unknown> {
  if (format === 'as_stored') return event;
  const converted: Record<string, unknown> = { ...event };
  for (const key of EPC_LISTS) if (Array.isArray(event[key])) converted[key] = (event[key] as unknown[]).map(link);
  for (const key of QUANTITY_LISTS) {
    if (!Array.isArray(event[key])) continue;
    converted[key] = (event[key] as Record<string, unknown>[]).map((element) => ({
      ...element,
      epcClass: link(element.epcClass),
    }));
  }
  if (typeof event.parentID === 'string') converted.parentID = link(event.parentID);
  return converted;
}
