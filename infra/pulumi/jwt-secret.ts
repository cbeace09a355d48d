/**
 * The secret that signs user tokens: the stack's `jwtSecret` when set, else one the program generates
 * once and keeps in the (encrypted) state. Either way at least 32 bytes, as the web server demands
 * (RFC 7518 §3.2), so a short configured secret fails `pulumi up` instead of crash-looping the pods.
 */
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import { MIN_JWT_SECRET_BYTES } from '../../app/config.js';

/** Length of a generated secret: 64 letters and digits, about 380 bits. */
export const GENERATED_JWT_SECRET_LENGTH = 64;

/** The configured secret, checked, or a generated one (resource `jwt-secret`). */
export function jwtSecretOrGenerated(configured: pulumi.Output<string> | undefined): pulumi.Output<string> {
  if (configured === undefined) {
    // No special characters: the value is pasted into shells and `npm run token` by operators.
    const generated = new random.RandomPassword('jwt-secret', { length: GENERATED_JWT_SECRET_LENGTH, special: false });
    // The provider marks `result` secret already; saying so here keeps it secret whatever reads it.
    return pulumi.secret(generated.result);
  }
  return pulumi.secret(configured.apply(checkedJwtSecret));
}

/** `secret`, or a RunError (which fails `pulumi up` with this message) when it is too short. */
export function checkedJwtSecret(secret: string): string {
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < MIN_JWT_SECRET_BYTES) {
    throw new pulumi.RunError(
      `personalizedline:jwtSecret is ${bytes} bytes; it must be at least ${MIN_JWT_SECRET_BYTES} (RFC 7518 §3.2). ` +
        'Set a longer one (`pulumi config set --secret jwtSecret "$(openssl rand -hex 32)"`), or remove it to have one generated.',
    );
  }
  return secret;
}
