/** The token verify uses: given with `--token`, or minted for a check user from a known secret. */
import { signToken } from '../../../app/auth/tokens.js';
import { OpsError } from '../outcome.js';

/** Lifetime of a minted token: long enough for one verify run, useless soon after. */
export const MINTED_TOKEN_TTL_SECONDS = 15 * 60;

/** The user verify's jobs belong to, so they never show up in a real user's list. */
export const DEFAULT_VERIFY_USER = 'verify';

export interface TokenSource {
  /** `--token`: used as is. */
  readonly token?: string;
  /** A secret to mint with (`JWT_SECRET`, the stack's `jwtSecret`, or the local stack's). */
  readonly secret?: string;
  /** @default DEFAULT_VERIFY_USER */
  readonly user?: string;
}

export async function resolveToken(source: TokenSource): Promise<string> {
  if (source.token) return source.token;
  if (source.secret) return signToken(source.secret, source.user ?? DEFAULT_VERIFY_USER, MINTED_TOKEN_TTL_SECONDS);
  throw new OpsError(
    'USAGE',
    "No token: pass --token JWT, or set JWT_SECRET to the deployment's secret so verify can mint one.",
  );
}
