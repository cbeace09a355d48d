/**
 * `socketio`: Socket.IO 4 with the Redis adapter, as a Socket.IO user would build the same feature:
 * one room per job; the server subscribes to the job's channel while the room has members and emits
 * each message to the room, which the adapter also publishes to Redis for other nodes. The adapter's
 * own subscriber connection carries the job channels too, so it holds two Redis connections.
 */
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { verifyToken } from '../../app/auth/tokens.js';
import { jobIdOfChannel, progressChannel } from '../../app/domain/redis-keys.js';
import { exitOnSignals, referenceEnv } from './reference-env.js';

const env = referenceEnv(process.env);
const pub = new Redis(env.redisUrl, { connectionName: 'bench-socketio-pub' });
const sub = new Redis(env.redisUrl, { connectionName: 'bench-socketio-sub' });
pub.on('error', () => undefined);
sub.on('error', () => undefined);

const server = createServer((req, res) => {
  if (req.url === '/health') res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
});
const io = new Server(server, { transports: ['websocket'], serveClient: false, adapter: createAdapter(pub, sub) });
/** Members per job room, and the SUBSCRIBE later joiners wait for. */
const rooms = new Map<string, { members: number; subscribed: Promise<unknown> }>();

sub.on('message', (channel: string, text: string) => {
  if (channel.startsWith('job_progress:')) io.to(jobIdOfChannel(channel)).emit('progress', text);
});

io.use((socket, next) => {
  verifyToken(env.jwtSecret, (socket.handshake.auth as { token?: string }).token).then(
    () => next(),
    (error: Error) => next(error),
  );
});

io.on('connection', (socket) => {
  const jobId = String(socket.handshake.query.job ?? '');
  const channel = progressChannel(jobId);
  let room = rooms.get(jobId);
  if (!room) {
    room = { members: 0, subscribed: sub.subscribe(channel) };
    rooms.set(jobId, room);
  }
  const joined = room;
  joined.members++;
  void socket.join(jobId);
  socket.on('disconnect', () => {
    joined.members--;
    if (joined.members === 0 && rooms.get(jobId) === joined) {
      rooms.delete(jobId);
      sub.unsubscribe(channel).catch(() => undefined);
    }
  });
  joined.subscribed.then(
    () => socket.emit('subscribed'),
    () => socket.disconnect(true),
  );
});

server.listen(env.port, env.host);
exitOnSignals();
