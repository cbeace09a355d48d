import type { IContainer } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../app/config.js';
import {
  defaultSizing,
  nodeOptionsFor,
  redisRoom,
  sizingArithmetic,
  sizingProblems,
} from '../../../infra/k8s/sizing.js';
import { envByName, findObject, onlyContainer, synthObjects } from './support/manifests.js';

const MiB = 1024 * 1024;

describe('sizing arithmetic', () => {
  it('holds for the defaults, every line written out with its numbers', () => {
    const lines = sizingArithmetic(defaultSizing);
    expect(lines.map((l) => l.what)).toEqual(['web', 'web', 'rq-worker', 'rq-worker', 'redis fork', 'redis room']);
    for (const line of lines) {
      expect(line.holds, line.arithmetic).toBe(true);
      expect(line.arithmetic).toMatch(/\d+ MiB/);
    }
    expect(sizingProblems(defaultSizing)).toEqual([]);
  });

  it('fails a process whose load outgrows 75 % of its limit, or whose large records outgrow the limit', () => {
    expect(sizingProblems({ ...defaultSizing, workerConcurrency: 8 })[0]).toMatch(
      /^sizing: rq-worker: .* = 202 MiB ≤ 75 % of the 256Mi limit \(192 MiB\) does not hold/,
    );
    expect(
      sizingProblems({ ...defaultSizing, maxUploadBytes: 20 * MiB }).some((p) =>
        /^sizing: web: 100 MiB idle \+ uploads of one 20 MiB record/.test(p),
      ),
    ).toBe(true);
  });

  it('keeps room in Redis for the work in flight and at least 10 finished max-size jobs', () => {
    const room = redisRoom(defaultSizing);
    expect(room.inFlight).toBe(2 * room.job + room.upload);
    expect(room.retained).toBeGreaterThanOrEqual(10);
    expect(sizingProblems({ ...defaultSizing, redisMaxMemoryMiB: 64 })).toEqual([
      expect.stringMatching(/^sizing: redis room: .* does not hold/),
    ]);
  });
});

describe('the default manifests carry the sizing', () => {
  const objects = synthObjects();
  const web = onlyContainer(findObject(objects, 'Deployment', 'web'));
  const worker = onlyContainer(findObject(objects, 'Deployment', 'rq-worker'));
  const redis = onlyContainer(findObject(objects, 'StatefulSet', 'redis'));
  const value = (container: IContainer, name: string): string | undefined => envByName(container).get(name)?.value;

  it('sets the limits, the concurrency, the upload size, the retention and the heap sizes', () => {
    expect([web, worker, redis].map((c) => c.resources!.limits!.memory)).toEqual(['256Mi', '256Mi', '256Mi']);
    expect(value(worker, 'WORKER_CONCURRENCY')).toBe(String(defaultSizing.workerConcurrency));
    expect(value(web, 'MAX_UPLOAD_BYTES')).toBe(String(defaultSizing.maxUploadBytes));
    expect(value(web, 'UPLOAD_CONCURRENCY')).toBe(String(defaultSizing.uploadConcurrency));
    for (const container of [web, worker]) {
      expect(value(container, 'JOB_RETENTION_SECONDS')).toBe('604800');
      expect(value(container, 'NODE_OPTIONS')).toBe(nodeOptionsFor(256));
    }
    expect(redis.args!.join(' ')).toContain('--maxmemory 128mb --maxmemory-policy noeviction');
  });

  it('matches what the app does without those variables, so a pod started without them fits too', () => {
    const config = loadConfig({ JWT_SECRET: 'x'.repeat(32) });
    expect(config.workerConcurrency).toBe(defaultSizing.workerConcurrency);
    expect(config.maxUploadBytes).toBe(defaultSizing.maxUploadBytes);
    expect(config.uploadConcurrency).toBe(defaultSizing.uploadConcurrency);
  });
});
