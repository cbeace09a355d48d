/** The local stack's JWT secret: made once, kept in the git-ignored `.data/` folder. */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const LOCAL_DATA_DIR = join(process.cwd(), '.data');
const SECRET_FILE = join(LOCAL_DATA_DIR, 'jwt-secret');

export function readLocalSecret(): string | undefined {
  return existsSync(SECRET_FILE) ? readFileSync(SECRET_FILE, 'utf8').trim() || undefined : undefined;
}

export function ensureLocalSecret(): string {
  const existing = readLocalSecret();
  if (existing) return existing;
  mkdirSync(dirname(SECRET_FILE), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(SECRET_FILE, `${secret}\n`, { mode: 0o600 });
  return secret;
}
