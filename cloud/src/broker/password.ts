import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes for the embedded broker's user list: `scrypt$<saltHex>$<hashHex>`
 * (N=16384, r=8, p=1, 32-byte key). Config files hold hashes, not passwords.
 */
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const HASH_PATTERN = /^scrypt\$([0-9a-f]{32})\$([0-9a-f]{64})$/;

export function hashPassword(password: string, salt: Buffer = randomBytes(SALT_BYTES)): string {
  return `scrypt$${salt.toString('hex')}$${scryptSync(password, salt, KEY_BYTES).toString('hex')}`;
}

export function isPasswordHash(text: string): boolean {
  return HASH_PATTERN.test(text);
}

/** Constant-time comparison; false for a malformed hash. */
export function verifyPassword(password: string, passwordHash: string): boolean {
  const match = HASH_PATTERN.exec(passwordHash);
  if (!match?.[1] || !match[2]) return false;
  const expected = Buffer.from(match[2], 'hex');
  const actual = scryptSync(password, Buffer.from(match[1], 'hex'), KEY_BYTES);
  return timingSafeEqual(expected, actual);
}
