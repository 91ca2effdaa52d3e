import type { ScenarioRun } from './engine.js';

/**
 * The cases a clerk opened in one generated loop, each with the items that came out of it: what the
 * clerk's handheld records when it reads the case tag and then the items (an EPCIS AggregationEvent,
 * action DELETE, bizStep `unpacking`, in the accuracy pipeline).
 */
export interface Unpacking {
  /** Epoch ms the case was opened. */
  timeMs: number;
  caseUri: string;
  /** GTIN-14 of the case. */
  caseGtin: string;
  itemUris: string[];
}

export function unpacksOf(run: ScenarioRun, loopStartEpochMs: number): Unpacking[] {
  const tagsByEpc = new Map(run.tags.map((tag) => [tag.epc, tag]));
  const byCase = new Map<string, Unpacking>();
  for (const event of run.physical) {
    if (event.event !== 'unpack') continue;
    const caseEpc = event.parentEpc ?? event.epc;
    let unpacking = byCase.get(caseEpc);
    if (!unpacking) {
      const caseTag = tagsByEpc.get(caseEpc);
      if (!caseTag) continue;
      unpacking = {
        timeMs: loopStartEpochMs + event.atMs,
        caseUri: caseTag.uri,
        caseGtin: caseTag.gtin ?? '',
        itemUris: [],
      };
      byCase.set(caseEpc, unpacking);
    }
    const item = event.parentEpc === undefined ? undefined : tagsByEpc.get(event.epc);
    if (item) unpacking.itemUris.push(item.uri);
  }
  return [...byCase.values()];
}
