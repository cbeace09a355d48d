import { describe, expect, it } from 'vitest';
import { forgetToken, storeToken, takeToken, tokenSubject, type TokenHost } from '../../app/client/token.js';
import { signToken } from '../../app/auth/tokens.js';

function host(href: string, stored?: string): TokenHost & { replaced: string[]; store: Map<string, string> } {
  const store = new Map<string, string>();
  if (stored) store.set('personalizedline.token', stored);
  const replaced: string[] = [];
  return {
    location: { href },
    history: {
      replaceState: (_data, _unused, url) => {
        replaced.push(url);
      },
    },
    sessionStorage: {
      getItem: (key) => store.get(key) ?? null,
      setItem: (key, value) => {
        store.set(key, value);
      },
      removeItem: (key) => {
        store.delete(key);
      },
    },
    replaced,
    store,
  };
}

describe('token handling', () => {
  it('moves ?token= into sessionStorage and removes it from the address, keeping the rest', () => {
    const h = host('http://127.0.0.1:8080/app/?view=all&token=abc.def.ghi#jobs');
    expect(takeToken(h)).toBe('abc.def.ghi');
    expect(h.store.get('personalizedline.token')).toBe('abc.def.ghi');
    expect(h.replaced).toEqual(['/app/?view=all#jobs']);
  });

  it('uses the stored token when the address has none, without touching history', () => {
    const h = host('http://127.0.0.1:8080/', 'stored');
    expect(takeToken(h)).toBe('stored');
    expect(h.replaced).toEqual([]);
  });

  it('prefers a token in the address over a stored one', () => {
    expect(takeToken(host('http://h/?token=new', 'old'))).toBe('new');
  });

  it('answers nothing without a token, and forgets a stored one', () => {
    const h = host('http://h/?token=');
    expect(takeToken(h)).toBeUndefined();
    expect(h.replaced).toEqual(['/']);
    storeToken(h, '  pasted  ');
    expect(takeToken(h)).toBe('pasted');
    forgetToken(h);
    expect(takeToken(h)).toBeUndefined();
  });

  it('reads the user id of a real token for display, and nothing from garbage', async () => {
    expect(tokenSubject(await signToken('secret', 'démo-user', 60))).toBe('démo-user');
    expect(tokenSubject('garbage')).toBeUndefined();
    expect(tokenSubject('a.!!!.c')).toBeUndefined();
  });
});
