/**
 * Where the page keeps the user's token: taken from `?token=` once, then held in sessionStorage
 * (gone when the tab closes) and removed from the address bar, so it is not bookmarked, shared in
 * a screenshot or kept in history. Never logged.
 */

const STORAGE_KEY = 'personalizedline.token';

/** The parts of `window` the token handling touches. */
export interface TokenHost {
  readonly location: { readonly href: string };
  readonly history: { replaceState(data: unknown, unused: string, url: string): void };
  readonly sessionStorage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
}

/**
 * Moves a `?token=` from the address into sessionStorage (a URL token wins over a stored one) and
 * answers the token to use, if any.
 */
export function takeToken(host: TokenHost): string | undefined {
  const url = new URL(host.location.href);
  const fromUrl = url.searchParams.get('token')?.trim();
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token');
    host.history.replaceState(null, '', `${url.pathname}${url.search}${url.hash}`);
  }
  if (fromUrl) host.sessionStorage.setItem(STORAGE_KEY, fromUrl);
  return host.sessionStorage.getItem(STORAGE_KEY) ?? undefined;
}

export function storeToken(host: TokenHost, token: string): void {
  host.sessionStorage.setItem(STORAGE_KEY, token.trim());
}

export function forgetToken(host: TokenHost): void {
  host.sessionStorage.removeItem(STORAGE_KEY);
}

/**
 * The user id (`sub`) inside a JWT, for display only: the server verifies the signature, the page
 * just reads the payload. Answers `undefined` for anything that is not a readable JWT.
 */
export function tokenSubject(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(
      Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) => c.charCodeAt(0)),
    );
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    return typeof sub === 'string' && sub.length > 0 ? sub : undefined;
  } catch {
    return undefined;
  }
}
