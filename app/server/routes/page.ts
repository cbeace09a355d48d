/**
 * The jobs page: `GET /` and the two files it loads. No authentication: the page holds no data
 * itself; it asks the API with the user's token. The security headers (CSP without inline script or
 * style) come from the app's onSend hook, which is why the script and styles are separate files.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pageAssets, type PageAssets, type PageFileName } from '../page-assets.js';

export interface PageRouteOptions {
  /** Where the files come from. @default pageAssets (prebuilt, or bundled once per process) */
  readonly assets?: () => Promise<PageAssets>;
}

/** Registers `GET /` (index.html), `GET /app.js` and `GET /styles.css`. */
export function registerPageRoutes(app: FastifyInstance, options: PageRouteOptions = {}): void {
  const assets = options.assets ?? pageAssets;
  const serve = (name: PageFileName) => async (request: FastifyRequest, reply: FastifyReply) => {
    const asset = (await assets()).get(name);
    if (!asset) throw new Error(`page file ${name} is missing`);
    // Revalidate on every load (cheap `304`), so a deploy's new page is picked up at once.
    reply.header('Cache-Control', 'no-cache').header('ETag', asset.etag);
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.contentType).send(asset.body);
  };
  app.get('/', serve('index.html'));
  app.get('/app.js', serve('app.js'));
  app.get('/styles.css', serve('styles.css'));
}
