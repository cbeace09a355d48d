import { describe, expect, it } from 'vitest';
import { apiUrl, progressSocketUrl } from '../../app/client/urls.js';

describe('page URLs', () => {
  it.each([
    ['http://127.0.0.1:8080/', 'ws://127.0.0.1:8080/ws/jobs/abc'],
    ['https://jobs.example.com/?token=secret#top', 'wss://jobs.example.com/ws/jobs/abc'],
    ['https://example.com/tools/line/', 'wss://example.com/tools/line/ws/jobs/abc'],
    ['https://example.com/tools/line/index.html?x=1', 'wss://example.com/tools/line/ws/jobs/abc'],
  ])('turns the page %s into the WebSocket %s', (page, socket) => {
    expect(progressSocketUrl(page, 'abc')).toBe(socket);
  });

  it('keeps the host, port and path prefix for API calls and drops the page query', () => {
    expect(apiUrl('http://localhost:3000/prefix/?token=secret', 'jobs?offset=60&limit=60')).toBe(
      'http://localhost:3000/prefix/jobs?offset=60&limit=60',
    );
    expect(apiUrl('https://example.com/', 'config')).toBe('https://example.com/config');
  });

  it('encodes the job id into the path', () => {
    expect(progressSocketUrl('http://h/', 'a/b?c')).toBe('ws://h/ws/jobs/a%2Fb%3Fc');
  });
});
