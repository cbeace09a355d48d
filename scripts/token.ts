/**
 * `npm run token -- --user NAME [--hours N]`: prints a token for local use, signed with
 * `JWT_SECRET`, or with the local stack's secret that `npm start` keeps under `.data/`.
 */
import { parseArgs } from 'node:util';
import { signToken } from '../app/auth/tokens.js';
import { readLocalSecret } from './local-stack/local-secret.js';

const HELP = `Usage: npm run token -- --user NAME [--hours N]

Prints a JWT for user NAME (default 12 hours), signed with JWT_SECRET when it is set,
otherwise with the secret of the local stack that 'npm start' created under .data/.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { user: { type: 'string' }, hours: { type: 'string', default: '12' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const hours = Number(values.hours);
  if (!values.user || !Number.isFinite(hours) || hours <= 0) {
    process.stderr.write(`--user NAME is required and --hours must be a positive number.\n\n${HELP}\n`);
    process.exit(2);
  }
  const secret = process.env.JWT_SECRET || readLocalSecret();
  if (!secret) {
    process.stderr.write(
      'No JWT_SECRET is set and no local stack secret exists yet. Set JWT_SECRET, or run `npm start` once.\n',
    );
    process.exit(2);
  }
  process.stdout.write(`${await signToken(secret, values.user, Math.round(hours * 3600))}\n`);
}

void main();
