/** Tokens never reach a log line: every URL that is logged goes through {@link redactUrl}. */

const TOKEN_PARAM = /([?&](?:token|access_token)=)[^&#\s]*/gi;

export function redactUrl(url: string): string {
  return url.replace(TOKEN_PARAM, '$1[REDACTED]');
}
