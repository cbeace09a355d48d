/**
 * Preloaded into every server the benchmark starts (`--expose-gc --import ./memory-probe.ts`), so
 * the project's server is measured without changing it. Over the IPC channel it answers:
 * - `bench:measure`: full garbage collection, then the V8 heap in use (RSS is read from /proc by the
 *   benchmark: `process.memoryUsage()` opens a file, which fails in a server out of descriptors);
 * - `bench:heap-snapshot`: writes a heap snapshot to the given path;
 * - `bench:profile-start` / `bench:profile-stop`: a CPU profile of just the measured window.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';

type ProbeCommand =
  | { type: 'bench:measure' }
  | { type: 'bench:heap-snapshot'; path: string }
  | { type: 'bench:profile-start' }
  | { type: 'bench:profile-stop'; path: string };

let session: Session | undefined;

async function handle(command: ProbeCommand): Promise<unknown> {
  switch (command.type) {
    case 'bench:measure': {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (!gc) throw new Error('start the server with --expose-gc');
      // Twice, a turn apart: the first pass can leave objects only the second one frees (weak refs).
      gc();
      await new Promise((resolve) => setImmediate(resolve));
      gc();
      return { heapUsed: getHeapStatistics().used_heap_size };
    }
    case 'bench:heap-snapshot':
      return { path: writeHeapSnapshot(command.path) };
    case 'bench:profile-start':
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      return {};
    case 'bench:profile-stop': {
      if (!session) return {};
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(command.path, JSON.stringify(profile));
      session.disconnect();
      session = undefined;
      return { path: command.path };
    }
  }
}

process.on('message', (message: unknown) => {
  const command = message as ProbeCommand;
  if (typeof command?.type !== 'string' || !command.type.startsWith('bench:')) return;
  handle(command).then(
    (answer) => process.send?.({ type: `${command.type}:done`, answer }),
    (error: Error) => process.send?.({ type: `${command.type}:done`, error: error.message }),
  );
});
// The probe must not keep a server alive that wants to exit.
process.channel?.unref();
