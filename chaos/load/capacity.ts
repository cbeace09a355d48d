/**
 * Redis at its `maxmemory` (the manifests' own in the full profile, noeviction) and a short
 * JOB_RETENTION_SECONDS: max-size files (50,000 rows, 10 MiB) are uploaded one after another, each
 * followed to its end, until the store is full (the number accepted until then is "what fits"), and
 * on to three times what fits. Every upload is either `201` and its job succeeds with every row, or
 * `503 CAPACITY_EXCEEDED` with `Retry-After`; at least as many fit as the sizing arithmetic promises;
 * no job is left open; Redis refuses no command (OOM) to anyone; each refusal is counted and logged;
 * and once the retention has passed, uploads are accepted again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultSizing, redisRoom } from '../../infra/k8s/sizing.js';
import { createdJob } from '../../kit/api-answers.js';
import { maxSizeCsv } from '../../kit/large-csv.js';
import { metricValue } from '../../kit/scrape-metrics.js';
import { awaitJobOutcome, judgeOutcomes, type JobOutcome } from '../clients/job-outcome.js';
import type { Profile } from '../profile.js';
import type { CaseRecorder } from '../report/class-result.js';
import { runClass, type ChaosClass } from '../run-class.js';
import type { ChaosStack } from '../stack/chaos-stack.js';
import { checkErrorAnswer, rawRequest, type RawResponse } from '../stack/raw-http.js';
import { METRIC } from '../../app/domain/metric-names.js';
import { redisKeys } from '../../app/domain/redis-keys.js';
import { CONFIG_DEFAULTS } from '../../app/config.js';

/** A max-size file's rows: the app's default MAX_ROWS. */
const ROWS = CONFIG_DEFAULTS.maxRows;
/** A store that never refuses within this many uploads is not being filled: the class fails. */
const MAX_UPLOADS_TO_FILL = 200;

/**
 * The max-size jobs the sizing arithmetic promises Redis at `maxMemoryMiB` retains when they come
 * one after another (one job and one upload in flight).
 */
export function promisedToFit(maxMemoryMiB: number): number {
  return Math.max(0, redisRoom({ ...defaultSizing, workerConcurrency: 1, redisMaxMemoryMiB: maxMemoryMiB }).retained);
}

export const capacity: ChaosClass = {
  name: 'capacity: Redis at its maxmemory, uploads until refused and beyond',
  run: (profile: Profile) =>
    runClass(
      capacity.name,
      profile,
      {
        redis: { maxMemory: `${profile.capacity.maxMemoryMiB}mb`, maxMemoryPolicy: 'noeviction' },
        env: {
          ROW_DELAY_MS: '0',
          UPLOADS_PER_MINUTE: '1000000',
          JOB_RETENTION_SECONDS: String(profile.capacity.retentionSeconds),
        },
      },
      async ({ stack, recorder }) => {
        const file = maxSizeCsv();
        const token = await stack.token('capacity-filler');
        const follow = (jobId: string): Promise<JobOutcome> =>
          awaitJobOutcome({
            urls: () => stack.webs.map((w) => w.url),
            token,
            jobId,
            expectedRows: ROWS,
            timeoutMs: 300_000,
            pollMs: 50,
          });
        // A 201 without a Job body breaks the contract: its job counts as lost.
        const followCreated = (answer: RawResponse): Promise<JobOutcome> => {
          const job = createdJob(answer.json);
          return job
            ? follow(job.id)
            : Promise.resolve({
                jobId: '?',
                status: 'lost',
                detail: `201 without a Job: ${answer.text.slice(0, 120)}`,
                lastStatus: 'none',
              });
        };
        const answers: RawResponse[] = [];
        const outcomes: JobOutcome[] = [];
        let fit: number | undefined;
        while (answers.length < (fit === undefined ? MAX_UPLOADS_TO_FILL : 3 * Math.max(fit, 1))) {
          const answer = await post(stack, token, file);
          answers.push(answer);
          if (answer.status === 201) outcomes.push(await followCreated(answer));
          else fit ??= answers.length - 1;
        }
        const promised = promisedToFit(profile.capacity.maxMemoryMiB);
        recorder.note(
          `${answers.length} max-size uploads one after another at maxmemory ${profile.capacity.maxMemoryMiB} MiB: ` +
            `${fit ?? 'all'} fit (the sizing promises ${promised}), ${outcomes.length} accepted in all`,
        );
        recorder.check(
          `the store fills up within ${MAX_UPLOADS_TO_FILL} max-size uploads`,
          fit === undefined ? 'no upload was refused' : undefined,
        );
        recorder.check(
          `at least the ${promised} max-size jobs the sizing promises fit`,
          fit === undefined || fit >= promised ? undefined : `only ${fit} fit`,
        );
        checkRefusals(recorder, answers);
        judgeOutcomes(recorder, outcomes, { allowFailed: false });
        await checkStore(stack, recorder, answers.filter((a) => a.status !== 201).length);

        await sleep((profile.capacity.retentionSeconds + 2) * 1_000);
        const later = await post(stack, token, file);
        recorder.check(
          'after the retention passed, a max-size upload is accepted again',
          later.status === 201 ? undefined : `answered ${later.status}: ${later.text.slice(0, 200)}`,
        );
        if (later.status === 201) judgeOutcomes(recorder, [await followCreated(later)], { allowFailed: false });
      },
    ),
};

function post(stack: ChaosStack, token: string, file: Buffer): Promise<RawResponse> {
  return rawRequest(
    stack.url,
    {
      method: 'POST',
      path: '/jobs?filename=max-size.csv',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: file,
    },
    120_000,
  );
}

function checkRefusals(recorder: CaseRecorder, answers: readonly RawResponse[]): void {
  answers.forEach((answer, i) => {
    if (answer.status === 201) return;
    const failure = checkErrorAnswer(answer, 503, ['CAPACITY_EXCEEDED']);
    const retryAfter = Number(answer.headers['retry-after']);
    recorder.check(
      `upload ${i + 1} refused with 503 CAPACITY_EXCEEDED and Retry-After`,
      failure ??
        (Number.isInteger(retryAfter) && retryAfter >= 1
          ? undefined
          : `Retry-After is ${JSON.stringify(answer.headers['retry-after'])}`),
    );
  });
}

/** No job left open, no OOM answered to anyone, and every refusal counted and logged. */
async function checkStore(stack: ChaosStack, recorder: CaseRecorder, refused: number): Promise<void> {
  const admin = stack.admin();
  const open = await admin.zcard(redisKeys().openJobs);
  recorder.check('no job is left queued or running', open === 0 ? undefined : `${open} jobs still open`);
  const oom = Number(/errorstat_OOM:count=(\d+)/.exec(await admin.info('errorstats'))?.[1] ?? 0);
  recorder.check('Redis refused no command for lack of memory (OOM)', oom === 0 ? undefined : `${oom} OOM refusals`);
  const counted = await metricValue(stack.url, METRIC.capacityRejections);
  recorder.check(
    `each refusal is counted in ${METRIC.capacityRejections} (${refused})`,
    counted === refused ? undefined : `counted ${counted}`,
  );
  const logged = stack.logLines().filter((l) => l.includes('Upload refused: capacity exceeded')).length;
  recorder.check(
    'each refusal is logged',
    logged === refused ? undefined : `${logged} log lines for ${refused} refusals`,
  );
}
