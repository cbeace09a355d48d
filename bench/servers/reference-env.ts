/**
 * Settings of the reference servers, from the environment the benchmark gives them (the same
 * variables as the project's web server, so all systems start alike).
 */
export interface ReferenceEnv {
  readonly port: number;
  readonly host: string;
  readonly redisUrl: string;
  readonly jwtSecret: string;
}

export function referenceEnv(env: NodeJS.ProcessEnv): ReferenceEnv {
  const port = Number(env.PORT);
  if (!Number.isInteger(port) || port < 1 || !env.REDIS_URL || !env.JWT_SECRET) {
    throw new Error('reference servers need PORT, REDIS_URL and JWT_SECRET');
  }
  return { port, host: env.HOST ?? '127.0.0.1', redisUrl: env.REDIS_URL, jwtSecret: env.JWT_SECRET };
}

/** `/ws/jobs/{id}?token=…` → the id and token, or undefined for any other URL. */
export function parseJobUrl(url: string | undefined): { jobId: string; token: string | undefined } | undefined {
  const parsed = new URL(url ?? '/', 'http://x');
  const match = /^\/ws\/jobs\/([0-9a-f-]{36})$/.exec(parsed.pathname);
  return match ? { jobId: match[1] as string, token: parsed.searchParams.get('token') ?? undefined } : undefined;
}

/** The notice the references send once a socket's subscription is live (the project sends a snapshot instead). */
export const SUBSCRIBED_NOTICE = '{"type":"subscribed"}';

/** Ends the process on SIGTERM/SIGINT, as the benchmark stops every server. */
export function exitOnSignals(): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
}
