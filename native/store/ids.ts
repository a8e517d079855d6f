// Record ids and timestamps, the same for every table: a short type prefix (readable in the CLI and logs)
// and 48 random bits; times are ISO 8601 in UTC so they sort as text.
import crypto from 'node:crypto';

export function newId(prefix: string): string {
  return `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
}

export function nowIso(): string {
  return new Date().toISOString();
}
