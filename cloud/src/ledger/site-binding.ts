import type { Location } from './catalog.js';
import type { Transaction } from './transactions.js';

/**
 * Site binding of gateways (issue 12). A gateway's topic names its site
 * (`stockwire/v1/<site>/<gateway>/events`) and the mapper copies it into the
 * transaction's `site`; a device transaction so bound may change positions only at
 * locations of that site. The one way in from another site is the legitimate
 * inter-site flow: taking stock out of another site's in-transit location (a DC
 * shipped it to us, our dock door receives it). Anything else across sites is an
 * API transfer, or comes from a gateway the cloud config declares cross-site
 * (`ingest.crossSiteGateways`), whose transactions carry `source.crossSite`.
 */
export function boundSiteOf(transaction: Transaction): string | undefined {
  if (transaction.type === 'product' || transaction.site === undefined) return undefined;
  const source = transaction.source;
  if (source?.kind !== 'rfid' || source.crossSite === true) return undefined;
  return transaction.site;
}

export type SiteMove = 'in' | 'out';

/** Why a bound transaction may not move stock `move` at `location`, or undefined when it may. */
export function siteBindingViolation(boundSite: string, location: Location, move: SiteMove): string | undefined {
  if (location.site === boundSite) return undefined;
  if (move === 'out' && location.kind === 'in_transit') return undefined;
  return move === 'in' ? 'book stock into' : 'take stock out of';
}
