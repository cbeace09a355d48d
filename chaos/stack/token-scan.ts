/** Finds tokens in log lines. Pure. */

// Any JWT (three base64url parts, the first two JSON objects): a leaked forged token counts too.
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/;

/** The lines that contain one of `secrets` or anything shaped like a JWT. */
export function findTokenLeaks(lines: readonly string[], secrets: readonly string[]): string[] {
  return lines.filter((line) => JWT_SHAPE.test(line) || secrets.some((secret) => line.includes(secret)));
}
