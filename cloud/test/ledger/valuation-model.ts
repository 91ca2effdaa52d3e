/**
 * A deliberately simple valuation model, written from the rules in docs/ledger.md and
 * sharing no code with the ledger: per position an array of layers {units, value}
 * (FIFO) or one pool (average), integer units, money as BigInt ten-thousandths,
 * rounding half-to-even written out here. The property test drives the same random
 * sequence through the ledger and this model and compares COGS and ending values.
 */

export type Method = 'fifo' | 'average';
export interface ModelLayer {
  units: bigint;
  value: bigint; // 1/10,000 of a currency unit
}

export type ModelOp =
  | { type: 'receipt'; product: string; location: string; units: number; costCents: number }
  | { type: 'sale'; product: string; location: string; units: number }
  | { type: 'customer_return'; product: string; location: string; units: number; saleIndex: number }
  | { type: 'transfer'; product: string; from: string; to: string; units: number }
  | { type: 'supplier_return'; product: string; location: string; units: number; receiptIndex: number }
  | { type: 'count'; product: string; location: string; units: number }
  | { type: 'reversal'; index: number };

interface Applied {
  op: ModelOp;
  /** Per position key: layers it put in and took out, in order. */
  moves: { key: string; taken: ModelLayer[]; added: ModelLayer[] }[];
  cogs: bigint;
  /** What it posted to GRNI and Cost Variance (debit positive): a reversal posts the opposite. */
  grni: bigint;
  costVariance: bigint;
  reversed: boolean;
}

/** Half-to-even division of integers. */
export function roundDivide(numerator: bigint, denominator: bigint): bigint {
  const sign = numerator < 0n !== denominator < 0n ? -1n : 1n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let quotient = n / d;
  const twice = (n % d) * 2n;
  if (twice > d || (twice === d && quotient % 2n === 1n)) quotient += 1n;
  return sign * quotient;
}

const sameCost = (a: ModelLayer, b: ModelLayer) => a.value * b.units === b.value * a.units;
const sum = (layers: readonly ModelLayer[], field: 'units' | 'value') =>
  layers.reduce((total, layer) => total + layer[field], 0n);

export class ValuationModel {
  readonly positions = new Map<string, ModelLayer[]>();
  cogs = 0n;
  costVariance = 0n;
  grni = 0n;
  readonly applied: (Applied | undefined)[] = [];

  constructor(
    private readonly methods: Record<string, Method>,
    private readonly standardCostCents: Record<string, number>,
  ) {}

  value(product: string, location: string): bigint {
    return sum(this.positions.get(`${product}|${location}`) ?? [], 'value');
  }
  units(product: string, location: string): bigint {
    return sum(this.positions.get(`${product}|${location}`) ?? [], 'units');
  }

  /** Applies one op; returns false (and changes nothing) when the ledger must reject it. */
  apply(op: ModelOp): boolean {
    const snapshot = new Map([...this.positions].map(([key, layers]) => [key, layers.map((layer) => ({ ...layer }))]));
    const before = { cogs: this.cogs, costVariance: this.costVariance, grni: this.grni };
    const record: Applied = { op, moves: [], cogs: 0n, grni: 0n, costVariance: 0n, reversed: false };
    const ok = this.run(op, record);
    if (!ok) {
      this.positions.clear();
      for (const [key, layers] of snapshot) this.positions.set(key, layers);
      this.cogs = before.cogs;
      this.costVariance = before.costVariance;
      this.grni = before.grni;
    }
    this.applied.push(ok ? record : undefined);
    return ok;
  }

  private run(op: ModelOp, record: Applied): boolean {
    switch (op.type) {
      case 'receipt': {
        const units = BigInt(op.units);
        const value = units * BigInt(op.costCents) * 100n;
        this.add(record, op.product, op.location, [{ units, value }], 'back');
        record.grni = -value;
        this.grni -= value;
        return true;
      }
      case 'sale': {
        const taken = this.take(record, op.product, op.location, BigInt(op.units));
        if (!taken) return false;
        record.cogs = sum(taken, 'value');
        this.cogs += record.cogs;
        return true;
      }
      case 'customer_return': {
        const sale = this.applied[op.saleIndex];
        if (!sale || sale.op.type !== 'sale' || sale.op.product !== op.product) return false;
        const sold = sale.moves.flatMap((move) => move.taken);
        const value = roundDivide(sum(sold, 'value') * BigInt(op.units), sum(sold, 'units'));
        this.add(record, op.product, op.location, [{ units: BigInt(op.units), value }], 'back');
        record.cogs = -value;
        this.cogs -= value;
        return true;
      }
      case 'transfer': {
        const taken = this.take(record, op.product, op.from, BigInt(op.units));
        if (!taken) return false;
        this.add(record, op.product, op.to, taken, 'back');
        return true;
      }
      case 'supplier_return':
        return this.supplierReturn(record, op);
      case 'count':
        return this.count(record, op);
      case 'reversal':
        return this.reverse(op.index);
    }
  }

  private key(product: string, location: string): string {
    return `${product}|${location}`;
  }

  private layersOf(key: string): ModelLayer[] {
    let layers = this.positions.get(key);
    if (!layers) this.positions.set(key, (layers = []));
    return layers;
  }

  private move(record: Applied, key: string) {
    let move = record.moves.find((each) => each.key === key);
    if (!move) record.moves.push((move = { key, taken: [], added: [] }));
    return move;
  }

  /** Oldest first (FIFO) or from the pool; a part of a layer carries its share of the value, rounded. */
  private take(
    record: Applied,
    product: string,
    location: string,
    units: bigint,
    prefer?: ModelLayer,
  ): ModelLayer[] | undefined {
    const key = this.key(product, location);
    const layers = this.layersOf(key);
    if (sum(layers, 'units') < units) return undefined;
    // Preferred layers (same unit cost) go first; what is left of every layer stays where it was.
    const order = layers.map((_, index) => index);
    if (prefer)
      order.sort(
        (a, b) =>
          Number(!sameCost(layers[a] as ModelLayer, prefer)) - Number(!sameCost(layers[b] as ModelLayer, prefer)),
      );
    const taken: ModelLayer[] = [];
    let left = units;
    for (const index of order) {
      if (left === 0n) break;
      const layer = layers[index] as ModelLayer;
      const part = layer.units < left ? layer.units : left;
      const value = part === layer.units ? layer.value : roundDivide(layer.value * part, layer.units);
      taken.push({ units: part, value });
      left -= part;
      layers[index] = { units: layer.units - part, value: layer.value - value };
    }
    this.positions.set(
      key,
      layers.filter((layer) => layer.units !== 0n),
    );
    this.move(record, key).taken.push(...taken);
    return taken;
  }

  /** FIFO: appended at the back (or put at the front), merged with the layer they touch at exactly the same unit cost. */
  private add(record: Applied, product: string, location: string, added: ModelLayer[], end: 'front' | 'back'): void {
    const key = this.key(product, location);
    const layers = this.layersOf(key);
    this.move(record, key).added.push(...added);
    if (this.methods[product] === 'average') {
      const pool = [...layers, ...added];
      this.positions.set(key, [{ units: sum(pool, 'units'), value: sum(pool, 'value') }]);
      return;
    }
    const joined = end === 'back' ? layers.map((layer) => ({ ...layer })) : [];
    for (const layer of added) {
      const last = joined[joined.length - 1];
      if (last && sameCost(last, layer))
        joined[joined.length - 1] = { units: last.units + layer.units, value: last.value + layer.value };
      else joined.push({ ...layer });
    }
    if (end === 'front') {
      const [oldest, ...rest] = layers;
      const last = joined[joined.length - 1] as ModelLayer;
      if (oldest && sameCost(last, oldest))
        joined[joined.length - 1] = { units: last.units + oldest.units, value: last.value + oldest.value };
      else if (oldest) joined.push(oldest);
      joined.push(...rest);
    }
    this.positions.set(key, joined);
  }

  /** Stock leaves preferring the receipt's cost; GRNI gets the receipt's price, Cost Variance the difference. */
  private supplierReturn(record: Applied, op: Extract<ModelOp, { type: 'supplier_return' }>): boolean {
    const receipt = this.applied[op.receiptIndex];
    if (!receipt || receipt.op.type !== 'receipt') return false;
    const received = receipt.op.product === op.product ? receipt.moves[0]?.added[0] : undefined;
    const taken = this.take(record, op.product, op.location, BigInt(op.units), received);
    if (!taken) return false;
    const left = sum(taken, 'value');
    const credit = received ? roundDivide(received.value * BigInt(op.units), received.units) : left;
    record.grni = credit;
    record.costVariance = left - credit;
    this.grni += credit;
    this.costVariance += left - credit;
    return true;
  }

  private count(record: Applied, op: Extract<ModelOp, { type: 'count' }>): boolean {
    const key = this.key(op.product, op.location);
    const layers = this.layersOf(key);
    const onHand = sum(layers, 'units');
    const difference = BigInt(op.units) - onHand;
    if (difference < 0n) this.take(record, op.product, op.location, -difference);
    if (difference > 0n) {
      // A gain is valued at the position's unit cost (6 decimals), else the standard cost.
      const current = onHand === 0n ? 0n : roundDivide(sum(layers, 'value') * 100n, onHand); // millionths
      const unitCost = current > 0n ? current : BigInt(this.standardCostCents[op.product] ?? 0) * 10_000n;
      this.add(
        record,
        op.product,
        op.location,
        [{ units: difference, value: roundDivide(difference * unitCost, 100n) }],
        'back',
      );
    }
    return true;
  }

  private reverse(index: number): boolean {
    const original = this.applied[index];
    if (!original || original.reversed || original.op.type === 'count' || original.op.type === 'reversal') return false;
    for (const move of original.moves) {
      const [product, location] = move.key.split('|') as [string, string];
      for (const layer of [...move.added].reverse()) if (!this.takeBack(product, location, layer)) return false;
    }
    for (const move of original.moves) {
      const [product, location] = move.key.split('|') as [string, string];
      if (move.taken.length > 0) this.add(this.scratch(), product, location, move.taken, 'front');
    }
    this.cogs -= original.cogs;
    this.grni -= original.grni;
    this.costVariance -= original.costVariance;
    original.reversed = true;
    return true;
  }

  private scratch(): Applied {
    return { op: { type: 'reversal', index: -1 }, moves: [], cogs: 0n, grni: 0n, costVariance: 0n, reversed: false };
  }

  /** Takes back a layer the original added: the newest layer at that cost holding enough, else at cost in stock. */
  private takeBack(product: string, location: string, layer: ModelLayer): boolean {
    const key = this.key(product, location);
    const layers = this.layersOf(key);
    const average = this.methods[product] === 'average';
    for (let index = layers.length - 1; index >= 0; index--) {
      const candidate = layers[index] as ModelLayer;
      if (candidate.units < layer.units || (!average && !sameCost(candidate, layer))) continue;
      const removed = candidate.units === layer.units || layer.value > candidate.value ? candidate.value : layer.value;
      if (candidate.units === layer.units) layers.splice(index, 1);
      else layers[index] = { units: candidate.units - layer.units, value: candidate.value - removed };
      this.costVariance += removed - layer.value; // debit-positive: more left stock than the original brought
      return true;
    }
    const taken = this.take(this.scratch(), product, location, layer.units, average ? undefined : layer);
    if (!taken) return false;
    this.costVariance += sum(taken, 'value') - layer.value;
    return true;
  }
}
