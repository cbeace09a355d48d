import { describe, expect, it } from 'vitest';
import { isOriginAllowed, readUpgradeTarget, selectProtocol, tokenOfProtocols } from '../../../app/server/ws/upgrade-request.js';

const ID = '6f1c1b8e-3a52-4c86-9d1e-0c7a4c1b2f10';

describe('upgrade request', () => {
  it('reads the job id and the ?token= of /ws/jobs/{id}', () => {
    expect(readUpgradeTarget(`/ws/jobs/${ID}?token=abc.def.ghi`, {})).toEqual({ jobId: ID, token: 'abc.def.ghi', origin: undefined });
  });

  it('takes the token from the subprotocol pair bearer, <jwt> when there is no ?token=', () => {
    const target = readUpgradeTarget(`/ws/jobs/${ID}`, { 'sec-websocket-protocol': 'bearer, abc.def.ghi', origin: 'https://a.example' });
    expect(target).toEqual({ jobId: ID, token: 'abc.def.ghi', origin: 'https://a.example' });
  });

  it('prefers ?token= over the subprotocol and treats an empty ?token= as absent', () => {
    expect(readUpgradeTarget(`/ws/jobs/${ID}?token=q`, { 'sec-websocket-protocol': 'bearer, p' })?.token).toBe('q');
    expect(readUpgradeTarget(`/ws/jobs/${ID}?token=`, { 'sec-websocket-protocol': 'bearer, p' })?.token).toBe('p');
    expect(readUpgradeTarget(`/ws/jobs/${ID}`, {})?.token).toBeUndefined();
  });

  it('keeps a malformed job id for later (it is refused 4404 after authentication, like an unknown one)', () => {
    expect(readUpgradeTarget('/ws/jobs/not-a-uuid?token=t', {})?.jobId).toBe('not-a-uuid');
  });

  it('does not match other paths, an empty id or extra segments', () => {
    for (const url of ['/ws', '/ws/jobs', '/ws/jobs/', `/ws/jobs/${ID}/x`, `/jobs/${ID}`, '/', undefined]) {
      expect(readUpgradeTarget(url, {})).toBeUndefined();
    }
  });

  it('finds the token next to bearer in either order, and none without bearer', () => {
    expect(tokenOfProtocols('bearer,t1')).toBe('t1');
    expect(tokenOfProtocols('t2 , bearer')).toBe('t2');
    expect(tokenOfProtocols('t3')).toBeUndefined();
    expect(tokenOfProtocols('bearer')).toBeUndefined();
    expect(tokenOfProtocols(undefined)).toBeUndefined();
  });

  it('selects bearer whenever it is offered and never the token', () => {
    expect(selectProtocol(new Set(['bearer', 'eyJ.x.y']))).toBe('bearer');
    expect(selectProtocol(new Set(['eyJ.x.y']))).toBe(false);
  });

  it('allows any origin with an empty list, and requests without Origin always', () => {
    expect(isOriginAllowed('https://evil.example', [])).toBe(true);
    expect(isOriginAllowed(undefined, ['https://a.example'])).toBe(true);
    expect(isOriginAllowed('https://a.example', ['https://a.example'])).toBe(true);
    expect(isOriginAllowed('https://evil.example', ['https://a.example'])).toBe(false);
  });
});
