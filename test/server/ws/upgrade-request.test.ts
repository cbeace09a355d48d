import { describe, expect, it } from 'vitest';
import {
  isOriginAllowed,
  readUpgradeTarget,
  selectProtocol,
  tokenOfProtocols,
} from '../../../app/server/ws/upgrade-request.js';

const ID = '6f1c1b8e-3a52-4c86-9d1e-0c7a4c1b2f10';

describe('upgrade request', () => {
  it('reads the job id and the ?token= of /ws/jobs/{id}', () => {
    expect(readUpgradeTarget(`/ws/jobs/${ID}?token=abc.def.ghi`, {})).toEqual({
      jobId: ID,
      token: 'abc.def.ghi',
      origin: undefined,
      host: undefined,
    });
  });

  it('takes the token from the subprotocol pair bearer, <jwt> when there is no ?token=', () => {
    const target = readUpgradeTarget(`/ws/jobs/${ID}`, {
      'sec-websocket-protocol': 'bearer, abc.def.ghi',
      origin: 'https://a.example',
      host: 'api.example',
    });
    expect(target).toEqual({ jobId: ID, token: 'abc.def.ghi', origin: 'https://a.example', host: 'api.example' });
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

  it("allows listed origins, the server's own, and requests without Origin; nothing else", () => {
    expect(isOriginAllowed(undefined, [], 'api.example')).toBe(true);
    expect(isOriginAllowed(undefined, ['https://a.example'], undefined)).toBe(true);
    expect(isOriginAllowed('https://a.example', ['https://a.example'], 'api.example')).toBe(true);
    expect(isOriginAllowed('https://evil.example', ['https://a.example'], 'api.example')).toBe(false);
  });

  it("treats an empty list as same origin only: the Origin's host and port must be the Host", () => {
    expect(isOriginAllowed('https://evil.example', [], 'api.example')).toBe(false);
    // Behind a TLS proxy the page is https: and the server sees plain HTTP; the host still matches.
    expect(isOriginAllowed('https://api.example', [], 'api.example')).toBe(true);
    expect(isOriginAllowed('http://127.0.0.1:8080', [], '127.0.0.1:8080')).toBe(true);
    expect(isOriginAllowed('https://API.example', [], 'Api.Example')).toBe(true);
    expect(isOriginAllowed('http://127.0.0.1:8081', [], '127.0.0.1:8080')).toBe(false);
    expect(isOriginAllowed('https://api.example.evil.example', [], 'api.example')).toBe(false);
    expect(isOriginAllowed('null', [], 'api.example')).toBe(false);
    expect(isOriginAllowed('https://api.example', [], undefined)).toBe(false);
  });
});
