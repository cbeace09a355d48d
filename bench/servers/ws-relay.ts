/**
 * `ws-relay`: the bare reference, the practical floor for Node + ws. node:http + ws + ONE ioredis
 * subscriber; a channel is subscribed while at least one socket watches its job (reference counted)
 * and each Redis message is forwarded as it is. It verifies the token but, unlike the project, does
 * not check ownership, send a snapshot, ping, or limit connections.
 */
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { WebSocketServer, type WebSocket } from 'ws';
import { verifyToken } from '../../app/auth/tokens.js';
import { progressChannel } from '../../app/domain/redis-keys.js';
import { exitOnSignals, parseJobUrl, referenceEnv, SUBSCRIBED_NOTICE } from './reference-env.js';
import { CLOSE_TRY_AGAIN_LATER } from '../../app/domain/wire-contract.js';

const env = referenceEnv(process.env);
const subscriber = new Redis(env.redisUrl, { connectionName: 'bench-ws-relay' });
subscriber.on('error', () => undefined);
/** Sockets per channel, and the pending or done SUBSCRIBE that later joiners wait for. */
const watchers = new Map<string, { sockets: Set<WebSocket>; subscribed: Promise<unknown> }>();

subscriber.on('message', (channel: string, text: string) => {
  const entry = watchers.get(channel);
  if (entry) for (const socket of entry.sockets) socket.send(text);
});

async function watch(socket: WebSocket, channel: string): Promise<void> {
  let entry = watchers.get(channel);
  if (!entry) {
    entry = { sockets: new Set(), subscribed: subscriber.subscribe(channel) };
    watchers.set(channel, entry);
  }
  entry.sockets.add(socket);
  socket.on('close', () => {
    entry.sockets.delete(socket);
    if (entry.sockets.size === 0 && watchers.get(channel) === entry) {
      watchers.delete(channel);
      subscriber.unsubscribe(channel).catch(() => undefined);
    }
  });
  await entry.subscribed;
  socket.send(SUBSCRIBED_NOTICE);
}

const wss = new WebSocketServer({ noServer: true });
const server = createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' }).end('{"status":"ok"}');
});
server.on('upgrade', (req, socket, head) => {
  const target = parseJobUrl(req.url);
  verifyToken(env.jwtSecret, target?.token).then(
    () =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        watch(ws, progressChannel((target as { jobId: string }).jobId)).catch(() => ws.close(CLOSE_TRY_AGAIN_LATER));
      }),
    () => socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n'),
  );
});
server.listen(env.port, env.host);
exitOnSignals();
