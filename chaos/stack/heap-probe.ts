/**
 * Measures a child process's live memory precisely: through its inspector (started with
 * `NODE_OPTIONS=--inspect=127.0.0.1:PORT`), run a full garbage collection, then read `heapUsed +
 * external` (external holds Buffers, e.g. frames queued for slow sockets). Without the forced
 * collection "memory back to baseline" would only measure when V8 last ran one.
 */
import WebSocket from 'ws';

interface InspectorTarget {
  readonly webSocketDebuggerUrl: string;
}

/** `NODE_OPTIONS` value that opens the inspector of a child on `port` (loopback only). */
export function inspectorNodeOptions(port: number): string {
  return `--inspect=127.0.0.1:${port}`;
}

/** Full GC in the process listening for the inspector on `port`, then its `heapUsed + external` in bytes. */
export async function measureHeapAfterGc(port: number, timeoutMs = 15_000): Promise<number> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as InspectorTarget[];
  const target = targets[0];
  if (!target) throw new Error(`no inspector target on port ${port}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl, { perMessageDeflate: false });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    let nextId = 1;
    const call = (method: string, params: object = {}): Promise<unknown> => {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`inspector ${method} timed out`)), timeoutMs);
        // With ws's default binaryType ('nodebuffer') every message arrives as one Buffer.
        const onMessage = (data: Buffer): void => {
          const message = JSON.parse(data.toString('utf8')) as {
            id?: number;
            result?: unknown;
            error?: { message: string };
          };
          if (message.id !== id) return;
          socket.off('message', onMessage);
          clearTimeout(timer);
          if (message.error) reject(new Error(message.error.message));
          else resolve(message.result);
        };
        socket.on('message', onMessage);
        socket.send(JSON.stringify({ id, method, params }));
      });
    };
    // Two passes: the first may only move objects with finalizers to the second.
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const expression = '(() => { const m = process.memoryUsage(); return m.heapUsed + m.external; })()';
    const result = await call('Runtime.evaluate', { expression, returnByValue: true });
    const value = (result as { result: { value: unknown } }).result.value;
    if (typeof value !== 'number') throw new Error(`inspector answered ${JSON.stringify(result)}`);
    return value;
  } finally {
    socket.terminate();
  }
}
