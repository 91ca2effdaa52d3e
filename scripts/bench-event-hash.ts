/** Cost of the CBV 2.0 event hash against the wave-1 id (its baseline), same events, same run: `npx tsx scripts/bench-event-hash.ts`. */
import { deterministicEventId, legacyEventId } from '../shared/src/contracts/event-id.js';
const event = (i: number) => ({
  type: 'ObjectEvent',
  eventTime: '2026-12-04T10:00:00.000+01:00',
  eventTimeZoneOffset: '+01:00',
  action: 'OBSERVE',
  bizStep: 'receiving',
  readPoint: { id: 'urn:epc:id:sgln:0614141.00001.3' },
  bizLocation: { id: 'urn:stockwire:loc:store-1:backroom' },
  epcList: Array.from({ length: 12 }, (_, k) => `urn:epc:id:sgtin:0614141.107346.${i * 12 + k}`),
  'stockwire:readCount': 4,
  'stockwire:peakRssi': -52.5,
});
const events = Array.from({ length: 5000 }, (_, i) => event(i));
for (const round of [0, 1]) {
  let t = performance.now();
  for (const e of events) legacyEventId(e);
  const legacy = performance.now() - t;
  t = performance.now();
  for (const e of events) deterministicEventId(e);
  const cbv = performance.now() - t;
  if (round)
    console.log(
      `5,000 pallet events (12 EPCs each): legacy canonical-JSON id ${legacy.toFixed(0)} ms (${((5000 / legacy) * 1000).toFixed(0)}/s), CBV 2.0 hash ${cbv.toFixed(0)} ms (${((5000 / cbv) * 1000).toFixed(0)}/s), ratio ${(cbv / legacy).toFixed(2)}x`,
    );
}
