/**
 * Tokens that must all be refused: each is built from a real one by one defect. Pure apart from the
 * signing, so the classes and their tests share the same catalogue.
 */
import { generateKeyPair, SignJWT } from 'jose';

export type TokenDefect =
  | 'truncated'
  | 'wrong-secret'
  | 'alg-none'
  | 'alg-HS384'
  | 'alg-HS512'
  | 'alg-RS256'
  | 'alg-ES256'
  | 'missing-sub'
  | 'empty-sub'
  | 'numeric-sub'
  | 'long-sub'
  | 'missing-exp'
  | 'expired'
  | 'future-nbf'
  | 'embedded-jwk'
  | 'tampered-payload'
  | 'huge'
  | 'whitespace-inside';

export const TOKEN_DEFECTS: readonly TokenDefect[] = [
  'truncated',
  'wrong-secret',
  'alg-none',
  'alg-HS384',
  'alg-HS512',
  'alg-RS256',
  'alg-ES256',
  'missing-sub',
  'empty-sub',
  'numeric-sub',
  'long-sub',
  'missing-exp',
  'expired',
  'future-nbf',
  'embedded-jwk',
  'tampered-payload',
  'huge',
  'whitespace-inside',
];

const encoder = new TextEncoder();
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function base64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

async function hmac(
  secret: string,
  alg: 'HS256' | 'HS384' | 'HS512',
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT', ...header }).sign(encoder.encode(secret));
}

/**
 * A token for `user` with `defect`, signed with `secret` wherever the defect is not the signature.
 * `seed` (0..1) picks where a token is cut or tampered.
 */
export async function forgeToken(secret: string, user: string, defect: TokenDefect, seed: number): Promise<string> {
  const exp = nowSeconds() + 3600;
  const good = await hmac(secret, 'HS256', { sub: user, exp });
  switch (defect) {
    case 'truncated':
      return good.slice(0, Math.min(good.length - 1, Math.max(1, Math.floor(good.length * seed))));
    case 'wrong-secret':
      return hmac(`${secret}x`, 'HS256', { sub: user, exp });
    case 'alg-none':
      return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: user, exp })}.`;
    case 'alg-HS384':
      return hmac(secret, 'HS384', { sub: user, exp });
    case 'alg-HS512':
      return hmac(secret, 'HS512', { sub: user, exp });
    case 'alg-RS256':
    case 'alg-ES256': {
      const alg = defect === 'alg-RS256' ? 'RS256' : 'ES256';
      const { privateKey } = await generateKeyPair(alg, { modulusLength: 2048 });
      return new SignJWT({ sub: user, exp }).setProtectedHeader({ alg }).sign(privateKey);
    }
    case 'missing-sub':
      return hmac(secret, 'HS256', { exp });
    case 'empty-sub':
      return hmac(secret, 'HS256', { sub: '', exp });
    case 'numeric-sub':
      return hmac(secret, 'HS256', { sub: 12345, exp });
    case 'long-sub':
      return hmac(secret, 'HS256', { sub: 'u'.repeat(300), exp });
    case 'missing-exp':
      return hmac(secret, 'HS256', { sub: user });
    case 'expired':
      return hmac(secret, 'HS256', { sub: user, exp: nowSeconds() - 60 - Math.floor(seed * 1e6) });
    case 'future-nbf':
      return hmac(secret, 'HS256', {
        sub: user,
        exp: nowSeconds() + 10 * 365 * 86400,
        nbf: nowSeconds() + 3600 + Math.floor(seed * 1e8),
      });
    case 'embedded-jwk': {
      // The attacker's own key, offered in the header: a verifier must never trust it.
      const attacker = 'attacker-secret';
      return hmac(
        attacker,
        'HS256',
        { sub: user, exp },
        { jwk: { kty: 'oct', k: Buffer.from(attacker).toString('base64url') } },
      );
    }
    case 'tampered-payload': {
      const [header, , signature] = good.split('.');
      return `${header}.${base64url({ sub: `${user}-admin`, exp })}.${signature}`;
    }
    case 'huge':
      return `${good}${'A'.repeat(8_000 + Math.floor(seed * 4_000))}`;
    case 'whitespace-inside': {
      const cut = Math.min(good.length - 1, Math.max(1, Math.floor(good.length * seed)));
      return `${good.slice(0, cut)} ${good.slice(cut)}`;
    }
  }
}
