import type {
  AnalyticsLedgerView,
  LayerView,
  MissingEpcView,
  OpenDemandView,
  PositionView,
  ProductView,
  SaleView,
} from '../../src/alerts/view.js';

/**
 * A test double of the ledger store's analytics view (the store is a colleague's module;
 * the cloud's composition root adapts it to AnalyticsLedgerView). Plain arrays the test edits.
 */
export class MemoryLedgerView implements AnalyticsLedgerView {
  positionList: PositionView[] = [];
  productList: ProductView[] = [];
  layerList: LayerView[] = [];
  sales: (SaleView & { product: string; site: string })[] = [];
  missing: MissingEpcView[] | null = null;
  demand: OpenDemandView[] | null = null;
  failing = false;

  async positions(): Promise<PositionView[]> {
    this.maybeFail();
    return this.positionList.map((position) => ({ ...position }));
  }
  async products(): Promise<ProductView[]> {
    this.maybeFail();
    return this.productList.map((product) => ({ ...product }));
  }
  async layers(): Promise<LayerView[]> {
    return this.layerList.map((layer) => ({ ...layer }));
  }
  async salesHistory(product: string, site: string | undefined, sinceMs: number): Promise<SaleView[]> {
    return this.sales
      .filter(
        (sale) =>
          sale.product === product && (site === undefined || sale.site === site) && Date.parse(sale.time) >= sinceMs,
      )
      .map(({ time, qty }) => ({ time, qty }));
  }
  async missingEpcs(): Promise<MissingEpcView[]> {
    return this.missing ?? [];
  }
  async openDemand(): Promise<OpenDemandView[]> {
    return this.demand ?? [];
  }

  setQty(product: string, location: string, qty: string): void {
    const position = this.positionList.find((entry) => entry.product === product && entry.location === location);
    if (position) position.qty = qty;
    else
      this.positionList.push({
        product,
        location,
        site: location.split('/')[0] ?? location,
        qty,
        value: '0',
        lastOutboundTime: null,
      });
  }

  private maybeFail(): void {
    if (this.failing) throw new Error('ledger store unavailable');
  }
}
