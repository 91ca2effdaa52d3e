import type { ReaderHealth } from '../../../shared/src/contracts/status.js';
import type { BeamFault } from '../debounce/beams.js';

/**
 * A stuck photo-eye is a fault of the reader it is wired to: the debounce finds it
 * (pure, from the beam levels), the status shows it on that reader's health entry.
 */
export function withBeamFaults(readers: ReaderHealth[], faults: readonly BeamFault[]): ReaderHealth[] {
  if (faults.length === 0) return readers;
  return readers.map((health) => {
    const own = faults
      .filter((fault) => fault.reader === health.readerId)
      .map(
        (fault) =>
          `GPI ${fault.port} beam (${fault.portal} ${fault.side}) stuck broken since ${new Date(fault.brokenSinceMs).toISOString()}`,
      );
    return own.length === 0 ? health : { ...health, faults: [...(health.faults ?? []), ...own].slice(0, 32) };
  });
}
