import type { FastifyInstance } from 'fastify';
import type { ReceivingService } from './service.js';

/** Open ASNs shown on the dashboard at most (the API lists all). */
export const DASHBOARD_ASNS_MAX = 50;

/** `<basePath>/api/receiving`: open ASNs with their discrepancy counts and the recent receiving alerts. */
export function registerReceivingPanel(scope: FastifyInstance, basePath: string, receiving: ReceivingService): void {
  scope.get(`${basePath}/api/receiving`, async () => {
    const asns = (await receiving.asns({ status: 'open' })).slice(0, DASHBOARD_ASNS_MAX);
    return {
      asns: asns.map((asn) => ({ id: asn.id, purchaseOrder: asn.purchaseOrder, site: asn.site, summary: asn.summary })),
      alerts: receiving.alerts(),
    };
  });
}
