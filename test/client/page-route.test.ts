import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePage, loadPageAssets, writePage } from '../../app/server/page-assets.js';
import { registerPageRoutes } from '../../app/server/routes/page.js';

describe('page route', () => {
  const app = Fastify();
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pl-page-'));
    registerPageRoutes(app);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page, its script and its styles with their content types', async () => {
    const page = await app.inject({ url: '/?token=abc' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<script type="module" src="app.js"></script>');
    expect(page.body).toContain('<link rel="stylesheet" href="styles.css">');
    expect(page.body).toContain('type="file"');

    const script = await app.inject({ url: '/app.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toContain('ws/jobs/');

    const styles = await app.inject({ url: '/styles.css' });
    expect(styles.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(styles.body).toContain('.bar-fill');
  });

  it('has no inline script, style or event handler (the CSP allows none)', async () => {
    const html = (await app.inject({ url: '/' })).body;
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('never logs: the bundle has no console calls that could print a token', async () => {
    expect((await app.inject({ url: '/app.js' })).body).not.toMatch(/console\./);
  });

  it('answers 304 when the browser already has the file', async () => {
    const first = await app.inject({ url: '/app.js' });
    expect(first.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('no-cache');
    const again = await app.inject({ url: '/app.js', headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('serves prebuilt files when all are there, and bundles the sources otherwise', async () => {
    const written = await writePage(dir);
    expect(written.map((file) => file.slice(dir.length + 1)).sort()).toEqual(['app.js', 'index.html', 'styles.css']);
    writeFileSync(join(dir, 'app.js'), 'prebuilt();');
    const prebuilt = await loadPageAssets(dir);
    expect(prebuilt.get('app.js')?.body.toString()).toBe('prebuilt();');

    rmSync(join(dir, 'styles.css'));
    const bundled = await loadPageAssets(dir);
    expect(bundled.get('app.js')?.body.toString()).toEqual((await bundlePage())['app.js'].toString());
  });
});
