/**
 * `ws-naive`: the simplest design. Like `ws-relay`, but every socket opens its own
 * Redis subscriber connection, so Redis and the server each hold one connection per watcher.
 * When Redis refuses the connection (its `maxclients`, or this process' open-file limit), the socket
 * is closed with 1013 instead of waiting forever.
 */
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { WebSocketServer, type WebSocket } from 'ws';
import { verifyToken } from '../../app/auth/tokens.js';
import { progressChannel } from '../../app/domain/redis-keys.js';
import { exitOnSignals, parseJobUrl, referenceEnv, SUBSCRIBED_NOTICE } from './reference-env.js';
import { CLOSE_TRY_AGAIN_LATER } from '../../app/domain/wire-contract.js';

const env = referenceEnv(process.env);

function watch(socket: WebSocket, channel: string): void {
  const subscriber = new Redis(env.redisUrl, {
    connectionName: 'bench-ws-naive',
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  let live = false;
  const giveUp = (): void => {
    if (!live && socket.readyState === socket.OPEN) socket.close(CLOSE_TRY_AGAIN_LATER);
    subscriber.disconnect();
  };
  subscriber.on('error', giveUp);
  subscriber.on('end', giveUp);
  subscriber.on('message', (_channel: string, text: string) => socket.send(text));
  subscriber.subscribe(channel).then(() => {
    live = true;
    socket.send(SUBSCRIBED_NOTICE);
  }, giveUp);
  socket.on('close', () => subscriber.disconnect());
}

const wss = new WebSocketServer({ noServer: true });
const server = createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' }).end('{"status":"ok"}');
});
server.on('upgrade', (req, socket, head) => {
  const target = parseJobUrl(req.url);
  verifyToken(env.jwtSecret, target?.token).then(
    () => wss.handleUpgrade(req, socket, head, (ws) => watch(ws, progressChannel((target as { jobId: string }).jobId))),
    () => socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n'),
  );
});
server.listen(env.port, env.host);
exitOnSignals();
