import { describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT } from 'jose';
import { bearerToken, signToken, verifyToken } from '../../app/auth/tokens.js';
import { AppError } from '../../app/errors.js';

const secret = 'test-secret';
const key = new TextEncoder().encode(secret);

async function rejection(token: string | undefined): Promise<AppError> {
  const error = await verifyToken(secret, token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('UNAUTHORIZED');
  return error as AppError;
}

describe('tokens', () => {
  it('round-trips the user id', async () => {
    expect(await verifyToken(secret, await signToken(secret, 'alice', 60))).toBe('alice');
  });

  it('refuses missing, forged, expired, alg:none, other-algorithm and exp-less tokens', async () => {
    expect((await rejection(undefined)).message).toMatch(/Missing token/);
    await rejection(await signToken('other-secret', 'alice', 60));
    expect(
      (
        await rejection(
          await new SignJWT({})
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject('a')
            .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
            .sign(key),
        )
      ).message,
    ).toMatch(/expired/);
    await rejection(new UnsecuredJWT({ sub: 'alice' }).setExpirationTime('1h').encode());
    await rejection(
      await new SignJWT({})
        .setProtectedHeader({ alg: 'HS512' })
        .setSubject('a')
        .setExpirationTime('1h')
        .sign(new Uint8Array(64)),
    );
    await rejection(await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('a').sign(key));
    await rejection(await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key));
    await rejection('not.a.token');
  });

  it('reads bearer headers', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
