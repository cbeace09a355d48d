/**
 * User tokens: JWTs signed HS256 with `JWT_SECRET`; `sub` is the user id, `exp` is required.
 * The algorithm is pinned, so `alg: none` and every other algorithm are refused.
 */
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { AppError } from '../errors.js';

const ALGORITHM = 'HS256';
const encoder = new TextEncoder();

/** Signs a token for `userId` that expires after `ttlSeconds`. */
export async function signToken(secret: string, userId: string, ttlSeconds: number): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(encoder.encode(secret));
}

/** Answers the token's user id, or throws `UNAUTHORIZED` with a message that says what to do. */
export async function verifyToken(secret: string, token: string | undefined): Promise<string> {
  if (!token)
    throw new AppError(
      'UNAUTHORIZED',
      'Missing token. Send "Authorization: Bearer <token>" (or ?token= on the WebSocket).',
    );
  try {
    const { payload } = await jwtVerify(token, encoder.encode(secret), {
      algorithms: [ALGORITHM],
      requiredClaims: ['exp', 'sub'],
    });
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 256) {
      throw new AppError('UNAUTHORIZED', 'The token has no usable "sub" (user id). Get a new token.');
    }
    return payload.sub;
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof joseErrors.JWTExpired)
      throw new AppError('UNAUTHORIZED', 'The token has expired. Get a new token.');
    throw new AppError('UNAUTHORIZED', 'The token is malformed or its signature is invalid. Get a new token.');
  }
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}
