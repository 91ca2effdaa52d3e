#!/usr/bin/env node
import { hashPassword } from './password.js';

/** Prints a passwordHash for the embedded broker's user list: `node --import tsx cloud/src/broker/hash-password.ts <password>`. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const password = process.argv[2];
  if (password === undefined || password === '') {
    process.stderr.write('usage: hash-password <password>\n');
    process.exit(2);
  }
  process.stdout.write(`${hashPassword(password)}\n`);
}
