/**
 * The two CRCs the serial protocols use. Bitwise on purpose: frames are short
 * (< 256 bytes) and the bitwise form is easy to check against the definitions.
 */

/** CRC-16/MCRF4XX (Chafon): reflected poly 0x8408, init 0xFFFF, no final XOR. check("123456789") = 0x6F91. */
export function crc16Mcrf4xx(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let index = start; index < end; index++) {
    crc ^= bytes[index] ?? 0;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return crc;
}

/**
 * ThingMagic's message CRC (MercuryAPI `tm_crc`): poly 0x1021, init 0xFFFF, message
 * bits shifted *into* the low end of the register MSB-first, no augmentation and no
 * XOR-out. Not CRC-16/CCITT-FALSE, though it looks close. `FF 00 03 1D 0C`: crc(00 03) = 0x1D0C.
 */
export function crc16ThingMagic(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let index = start; index < end; index++) {
    const byte = bytes[index] ?? 0;
    for (let bit = 7; bit >= 0; bit--) {
      const top = crc & 0x8000;
      crc = ((crc << 1) | ((byte >>> bit) & 1)) & 0xffff;
      if (top) crc ^= 0x1021;
    }
  }
  return crc;
}
