import { z } from 'zod';

export const ALERT_KINDS = [
  'low_stock',
  'replenish_from_backroom',
  'shrinkage',
  'slow_moving',
  'obsolete',
  'gateway_offline',
  'reader_fault',
  'overselling_risk',
] as const;
export const AlertKindSchema = z.enum(ALERT_KINDS);
export type AlertKind = z.infer<typeof AlertKindSchema>;

/** Which rule produced an alert; one rule may produce several kinds (slow_moving / obsolete). */
export const RULE_IDS = [
  'low_stock',
  'shrinkage_count',
  'shrinkage_missing',
  'ageing',
  'overselling_risk',
  'gateway_offline',
  'reader_fault',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const SEVERITY_RANK = { info: 0, warning: 1, critical: 2 } as const;

/** The payload retained on `stockwire/v1/alerts/<kind>/<key>` and listed by the API. */
export const AlertSchema = z
  .object({
    /** Stable identity of the condition: `<rule>/<subject…>`; the same condition keeps its key. */
    key: z.string(),
    kind: AlertKindSchema,
    severity: z.enum(['info', 'warning', 'critical']),
    subject: z
      .object({
        product: z.string().optional(),
        location: z.string().optional(),
        site: z.string().optional(),
        gateway: z.string().optional(),
        reader: z.string().optional(),
      })
      .strict(),
    message: z.string(),
    details: z.record(z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())])),
    raisedAt: z.string(),
    updatedAt: z.string(),
  })
  .strict();
export type Alert = z.infer<typeof AlertSchema>;
export type AlertDetails = Alert['details'];

/** What a rule reports: an alert without its timestamps (the engine adds them). */
export type AlertCondition = Omit<Alert, 'raisedAt' | 'updatedAt'>;

export function alertKey(rule: RuleId, ...parts: string[]): string {
  return [rule, ...parts].join('/');
}

export function ruleOfKey(key: string): string {
  return key.slice(0, key.indexOf('/') === -1 ? key.length : key.indexOf('/'));
}
