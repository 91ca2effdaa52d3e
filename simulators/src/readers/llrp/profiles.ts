import type { ReaderCapabilities } from '../../../../gateway/src/readers/llrp/capabilities.js';
import { VENDOR_IMPINJ, VENDOR_ZEBRA } from '../../../../gateway/src/readers/llrp/constants.js';

/**
 * How the simulated reader announces itself. Numbers follow the vendors' published ranges:
 * Impinj R420 10.00–32.50 dBm in 0.25 dB steps; Zebra FX7500 10.0–31.5 dBm in 0.1 dB steps.
 */
export type LlrpVendorProfileName = 'impinj' | 'zebra';

export interface LlrpVendorProfile {
  name: LlrpVendorProfileName;
  capabilities: ReaderCapabilities;
  /** Answers IMPINJ_ENABLE_EXTENSIONS and can add ImpinjPeakRSSI to tag reports. */
  impinjExtensions: boolean;
  /** A vendor Custom parameter this reader adds to reports (clients must skip what they do not know). */
  reportCustomParameter: { vendor: number; subtype: number } | null;
}

function powerTable(fromCdbm: number, toCdbm: number, stepCdbm: number) {
  const table = [];
  for (let powerCdbm = fromCdbm, index = 1; powerCdbm <= toCdbm; powerCdbm += stepCdbm, index++)
    table.push({ index, powerCdbm });
  return table;
}

export function llrpVendorProfile(name: LlrpVendorProfileName, antennaCount = 4): LlrpVendorProfile {
  if (name === 'impinj')
    return {
      name,
      capabilities: {
        antennaCountMax: antennaCount,
        manufacturer: VENDOR_IMPINJ,
        model: 2001002, // Speedway R420
        firmwareVersion: '5.14.0.240',
        gpiCount: 4,
        gpoCount: 4,
        powerTable: powerTable(1000, 3250, 25),
      },
      impinjExtensions: true,
      reportCustomParameter: null,
    };
  return {
    name,
    capabilities: {
      antennaCountMax: antennaCount,
      manufacturer: VENDOR_ZEBRA,
      model: 7500, // FX7500
      firmwareVersion: '3.10.30',
      gpiCount: 2,
      gpoCount: 3,
      powerTable: powerTable(1000, 3150, 10),
    },
    impinjExtensions: false,
    // The kind of vendor parameter that once crashed other clients' decoders.
    reportCustomParameter: { vendor: VENDOR_ZEBRA, subtype: 0x7f01 },
  };
}
