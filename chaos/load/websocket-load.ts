/**
 * The bounded loopback load: jobs uploaded by as many users, each watched by its share of the
 * WebSocket clients (within the per-user cap) and of the polling clients (every 2 s, as the page
 * polls), with the worker running. Every job must succeed and every client must see it end within
 * the profile's budget (≤ 60 s).
 */
import { randomUUID } from 'node:crypto';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { awaitJobOutcome, judgeOutcomes } from '../clients/job-outcome.js';
import { pollJob } from '../clients/poll-watcher.js';
import { judgeWatchers, summarizeWatchers, type WatchResult } from '../clients/watch-result.js';
import { watchJob } from '../clients/ws-watcher.js';
import type { Profile } from '../profile.js';
import { runClass, type ChaosClass } from '../run-class.js';
import { measureHeapAfterGc } from '../stack/heap-probe.js';
import { sampleMetrics } from './metrics-sampler.js';
import { POLL_INTERVAL_MS } from '../../app/domain/wire-contract.js';

/** Uploads in flight at once: a crowd arriving, not one burst of 500 requests. */
const UPLOAD_CONCURRENCY = 20;

export const websocketLoad: ChaosClass = {
  name: 'load: WebSocket and polling clients on jobs',
  websocket: true,
  run: (profile: Profile) =>
    runClass(
      `load: ${profile.load.websocketClients} WebSocket + ${profile.load.pollingClients} polling clients on ${profile.load.jobs} jobs`,
      profile,
      { env: { ROW_DELAY_MS: '10' } },
      async ({ stack, recorder }) => {
        const { load } = profile;
        const started = Date.now();
        const deadline = started + load.budgetMs;
        const urls = (): string[] => stack.webs.map((w) => w.url);
        const sampler = sampleMetrics(stack.url, [
          'ws_connections_open',
          'ws_buffered_bytes',
          'progress_redis_subscriptions',
        ]);
        const clients: Promise<WatchResult>[] = [];
        const jobs: { id: string; token: string }[] = [];
        const wsPerJob = Math.ceil(load.websocketClients / load.jobs);
        const pollPerJob = load.pollingClients / load.jobs;
        let pollersStarted = 0;

        let next = 0;
        const uploader = async (): Promise<void> => {
          while (next < load.jobs) {
            const index = next++;
            const token = await stack.token(`load-${index}-${randomUUID().slice(0, 8)}`);
            const upload = await uploadCsv(stack.url, token, sampleCsv(load.rowsPerJob), {
              filename: `load-${index}.csv`,
            });
            if (upload.status !== 201) {
              recorder.check(`upload ${index}`, `answered ${upload.status}`);
              continue;
            }
            const job = { id: upload.body.id, token };
            jobs.push(job);
            for (let c = 0; c < wsPerJob && clients.length - pollersStarted < load.websocketClients; c++) {
              clients.push(
                watchJob({ urls, token, jobId: job.id, deadline, auth: c % 2 === 0 ? 'subprotocol' : 'query' }),
              );
            }
            while (pollersStarted < Math.floor((index + 1) * pollPerJob)) {
              pollersStarted++;
              clients.push(pollJob({ urls, token, jobId: job.id, deadline, intervalMs: POLL_INTERVAL_MS }));
            }
          }
        };
        await Promise.all(Array.from({ length: UPLOAD_CONCURRENCY }, uploader));
        const uploadedMs = Date.now() - started;
        const web = stack.processes.find((p) => p.role === 'web')!;
        const heapUnderLoad = await measureHeapAfterGc(web.inspectPort);

        const watched = await Promise.all(clients);
        const loadMs = Date.now() - started;
        const peaks = sampler.stop();
        const outcomes = await Promise.all(
          jobs.map((job) =>
            awaitJobOutcome({
              urls,
              token: job.token,
              jobId: job.id,
              expectedRows: load.rowsPerJob,
              timeoutMs: 120_000,
            }),
          ),
        );
        judgeOutcomes(recorder, outcomes, { allowFailed: false });
        judgeWatchers(recorder, watched);
        recorder.check(
          `the load ended within its ${load.budgetMs / 1000} s budget`,
          loadMs <= load.budgetMs ? undefined : `took ${loadMs} ms`,
        );
        recorder.note(
          `${jobs.length} jobs uploaded in ${(uploadedMs / 1000).toFixed(1)} s; every client done after ${(loadMs / 1000).toFixed(1)} s`,
        );
        recorder.note(summarizeWatchers(watched));
        recorder.note(
          `peak open WebSockets ${peaks.ws_connections_open}, peak Redis subscriptions ${peaks.progress_redis_subscriptions}, ` +
            `peak buffered ${peaks.ws_buffered_bytes} B; web heap under load ${(heapUnderLoad / 1024 / 1024).toFixed(1)} MiB after GC`,
        );
      },
    ),
};
