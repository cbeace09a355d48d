/**
 * The Prometheus metric names the two processes export and that the dashboards, alerts and
 * `npm run status` read: one list, so a renamed metric breaks a test instead of a chart. Names follow
 * https://prometheus.io/docs/practices/naming/. Labels are bounded: route patterns, close codes,
 * reasons and states, never job ids, user ids or tokens. Pure.
 */
export const METRIC = {
  // Web (app/server): HTTP, WebSocket fan-out, readiness.
  /** Counter `{route, method, status}`; `route` is the route pattern (`/jobs/:id`), never the URL. */
  httpRequests: 'http_requests_total',
  /** Gauge: open WebSockets. */
  wsConnectionsOpen: 'ws_connections_open',
  /** Counter: WebSocket upgrades completed. */
  wsConnectionsOpened: 'ws_connections_opened_total',
  /** Counter `{code}`: WebSocket closes by close code (refusals included). */
  wsConnectionsClosed: 'ws_connections_closed_total',
  /** Counter: Progress frames written to WebSockets. */
  wsFramesSent: 'ws_frames_sent_total',
  /** Counter: Progress states skipped for a slow WebSocket because a newer one replaced them. */
  wsFramesCoalesced: 'ws_frames_coalesced_total',
  /** Counter `{reason}`: Progress states not sent, `stale` or `closed`. */
  wsFramesDropped: 'ws_frames_dropped_total',
  /** Gauge: bytes written to WebSockets and not yet taken by the network, over all sockets. */
  wsBufferedBytes: 'ws_buffered_bytes',
  /** Gauge: `job_progress` channels the relay is subscribed to (one per job being watched). */
  progressRedisSubscriptions: 'progress_redis_subscriptions',
  /** Histogram: from a Progress message's `at` to its fan-out to every socket of the job. */
  deliveryLatency: 'progress_delivery_latency_seconds',
  /** Counter: uploads refused with `503 CAPACITY_EXCEEDED` (exported by the web's capacity check). */
  capacityRejections: 'progress_capacity_rejections_total',
  /** Gauge: 1 when this web pod's `GET /ready` would answer 200 (Redis answers), else 0. */
  webReady: 'web_ready',

  // Worker (app/worker): the job lifecycle.
  /** Counter: job attempts the worker started (a resumed job starts again). */
  jobsStarted: 'worker_jobs_started_total',
  /** Counter: jobs that ended `succeeded`. */
  jobsSucceeded: 'worker_jobs_succeeded_total',
  /** Counter `{reason}`: jobs that ended `failed` (see FailureReason in app/worker/job-attempt.ts, and `lost`). */
  jobsFailed: 'worker_jobs_failed_total',
  /** Histogram `{status}`: one attempt, from its start to its stored terminal state. */
  jobDuration: 'worker_job_duration_seconds',
  /** Counter: rows of jobs that reached a terminal state (its rate is rows per second). */
  rowsProcessed: 'worker_rows_processed_total',
  /** Counter `{kind}`: state writes (record + PUBLISH) that Redis refused; `progress` or `terminal`. */
  publishFailures: 'worker_publish_failures_total',

  // The queue, read from Redis at scrape time by web and worker alike, so it is seen with no worker.
  /** Gauge: jobs waiting in the queue. */
  queueWaiting: 'queue_jobs_waiting',
  /** Gauge: jobs a worker is running. */
  queueRunning: 'queue_jobs_running',
  /** Gauge: seconds since the oldest waiting job was queued; 0 with none waiting. */
  queueOldestWaitingAge: 'queue_oldest_waiting_age_seconds',
  /** Gauge: jobs that ended `failed` in the last hour (whole minutes), from any worker. */
  jobsFailedLastHour: 'queue_jobs_failed_last_hour',

  // Both processes (prom-client's default metrics).
  /** Gauge: resident memory of the process, what the container's memory limit is measured against. */
  residentMemory: 'process_resident_memory_bytes',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];
