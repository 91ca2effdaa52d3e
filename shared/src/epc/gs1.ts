/** GS1 key helpers shared by the EPC decoder and encoder. */

/**
 * GS1 mod-10 check digit of a digit string (the key without its check digit):
 * weights 3,1,3,… from the rightmost digit.
 */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  let weight = 3;
  for (let index = digits.length - 1; index >= 0; index--) {
    const digit = digits.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) throw new RangeError(`gs1CheckDigit: "${digits}" holds a non-digit`);
    sum += digit * weight;
    weight = weight === 3 ? 1 : 3;
  }
  return (10 - (sum % 10)) % 10;
}

export function withCheckDigit(digits: string): string {
  return `${digits}${gs1CheckDigit(digits)}`;
}

/** True when a full key (last digit = check digit) is consistent. */
export function hasValidCheckDigit(key: string): boolean {
  if (!/^\d{2,}$/.test(key)) return false;
  return gs1CheckDigit(key.slice(0, -1)) === Number(key.slice(-1));
}

/**
 * The GS1 AI encodable character set 82 (TDS Table A-1) and how the EPC URN
 * writes each one: the seven characters URNs reserve are %-escaped.
 */
const URN_ESCAPES: Readonly<Record<string, string>> = {
  '"': '%22',
  '%': '%25',
  '&': '%26',
  '/': '%2F',
  '<': '%3C',
  '>': '%3E',
  '?': '%3F',
};
const GS1_CHARSET_82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;

export function isGs1Charset82(text: string): boolean {
  return GS1_CHARSET_82.test(text);
}

export function escapeUrnComponent(text: string): string {
  let result = '';
  for (const character of text) result += URN_ESCAPES[character] ?? character;
  return result;
}

export function unescapeUrnComponent(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_whole, code: string) => String.fromCharCode(Number.parseInt(code, 16)));
}
