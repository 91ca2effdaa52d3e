import type { Clock } from '../../../../shared/src/clock.js';
import { newDecodeStats, type LlrpMessage } from '../../../../gateway/src/readers/llrp/codec.js';
import { MessageType } from '../../../../gateway/src/readers/llrp/constants.js';
import { decodeAddRoSpecBody, type RoSpecPlan } from '../../../../gateway/src/readers/llrp/rospec.js';

/**
 * The simulated reader's ROSpec table and its state machine (LLRP §7.1): Disabled → (ENABLE)
 * Inactive → (START, or the GPI start trigger) Active → (STOP, DISABLE, GPI stop trigger or its
 * timeout) Inactive/Disabled. A reboot forgets the table; the reader config can clear it too.
 */
export const StatusCode = {
  Success: 0,
  MissingParameter: 103,
  UnsupportedMessage: 109,
  Invalid: 300,
} as const;

export interface SimRoSpec {
  plan: RoSpecPlan;
  state: 'disabled' | 'inactive' | 'active';
  startedAtMs: number;
}

export interface RoSpecOutcome {
  responseType: number;
  code: number;
  text: string;
}

/** ROSpecs a reader holds; Impinj readers allow 1, Zebra a few; the bound keeps a client from growing memory. */
const ROSPECS_MAX = 8;

export class RoSpecTable {
  private readonly specs = new Map<number, SimRoSpec>();
  added = 0;

  constructor(private readonly clock: Clock) {}

  active(): SimRoSpec | null {
    for (const spec of this.specs.values()) if (spec.state === 'active') return spec;
    return null;
  }

  get size(): number {
    return this.specs.size;
  }

  clear(): void {
    this.specs.clear();
  }

  /** Answers an ROSpec message; null when `message` is not one. `flush` sends buffered reports (end of ROSpec). */
  handle(message: LlrpMessage, flush: () => void): RoSpecOutcome | null {
    if (message.type === MessageType.ADD_ROSPEC) return this.add(message.body);
    const responseType = ROSPEC_RESPONSES[message.type];
    if (responseType === undefined) return null;
    if (message.body.length < 4) return { responseType, code: StatusCode.MissingParameter, text: 'ROSpecID missing' };
    const rospecId = message.body.readUInt32BE(0);
    const targets = rospecId === 0 ? [...this.specs.values()] : [this.specs.get(rospecId)].filter((spec) => !!spec);
    if (targets.length === 0 && rospecId !== 0)
      return { responseType, code: StatusCode.Invalid, text: `no ROSpec ${rospecId}` };
    for (const spec of targets) {
      const problem = this.apply(message.type, spec, flush);
      if (problem) return { responseType, code: StatusCode.Invalid, text: problem };
    }
    if (message.type === MessageType.DELETE_ROSPEC) for (const spec of targets) this.specs.delete(spec.plan.rospecId);
    return { responseType, code: StatusCode.Success, text: '' };
  }

  /** A GPI changed: start or stop ROSpecs whose triggers name it. */
  onGpi(port: number, state: boolean, flush: () => void): void {
    for (const spec of this.specs.values()) {
      const start = spec.plan.startGpi;
      const stop = spec.plan.stopGpi;
      if (spec.state === 'inactive' && start && start.port === port && start.onHigh === state) this.start(spec);
      else if (spec.state === 'active' && stop && stop.port === port && stop.onHigh === state) this.end(spec, flush);
    }
  }

  /** Ends an active ROSpec whose GPI stop trigger timed out. */
  tick(flush: () => void): void {
    const spec = this.active();
    const timeoutMs = spec?.plan.stopGpi?.timeoutMs ?? 0;
    if (spec && timeoutMs > 0 && this.clock.nowMs() - spec.startedAtMs >= timeoutMs) this.end(spec, flush);
  }

  private add(body: Buffer): RoSpecOutcome {
    const responseType = MessageType.ADD_ROSPEC_RESPONSE;
    const plan = decodeAddRoSpecBody(body, newDecodeStats());
    if (!plan || plan.rospecId === 0)
      return { responseType, code: StatusCode.MissingParameter, text: 'ADD_ROSPEC without a valid ROSpec' };
    if (this.specs.has(plan.rospecId))
      return { responseType, code: StatusCode.Invalid, text: `ROSpec ${plan.rospecId} already exists` };
    if (this.specs.size >= ROSPECS_MAX) return { responseType, code: StatusCode.Invalid, text: 'ROSpec table full' };
    this.specs.set(plan.rospecId, { plan, state: 'disabled', startedAtMs: 0 });
    this.added++;
    return { responseType, code: StatusCode.Success, text: '' };
  }

  private apply(type: number, spec: SimRoSpec, flush: () => void): string | null {
    switch (type) {
      case MessageType.ENABLE_ROSPEC:
        if (spec.state === 'disabled') spec.state = 'inactive';
        return null;
      case MessageType.START_ROSPEC:
        if (spec.state === 'disabled') return `ROSpec ${spec.plan.rospecId} is disabled`;
        if (this.active() && spec.state !== 'active') return 'another ROSpec is active';
        this.start(spec);
        return null;
      case MessageType.STOP_ROSPEC:
        if (spec.state === 'active') this.end(spec, flush);
        return null;
      case MessageType.DISABLE_ROSPEC:
      case MessageType.DELETE_ROSPEC:
        if (spec.state === 'active') this.end(spec, flush);
        spec.state = 'disabled';
        return null;
      default:
        return 'unsupported';
    }
  }

  private start(spec: SimRoSpec): void {
    spec.state = 'active';
    spec.startedAtMs = this.clock.nowMs();
  }

  private end(spec: SimRoSpec, flush: () => void): void {
    flush();
    spec.state = 'inactive';
  }
}

const ROSPEC_RESPONSES: Record<number, number> = {
  [MessageType.DELETE_ROSPEC]: MessageType.DELETE_ROSPEC_RESPONSE,
  [MessageType.START_ROSPEC]: MessageType.START_ROSPEC_RESPONSE,
  [MessageType.STOP_ROSPEC]: MessageType.STOP_ROSPEC_RESPONSE,
  [MessageType.ENABLE_ROSPEC]: MessageType.ENABLE_ROSPEC_RESPONSE,
  [MessageType.DISABLE_ROSPEC]: MessageType.DISABLE_ROSPEC_RESPONSE,
};
