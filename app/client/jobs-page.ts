/**
 * The page controller: sign-in, upload, the job list with Load More, and one {@link JobWatcher} per
 * unfinished job. DOM and browser APIs live here and in `job-card.ts`; the decisions (what to show,
 * when to reconnect or poll) live in the pure modules it calls.
 */
import { isTerminal, type Job } from '../domain/job.js';
import type { ProgressMessage } from '../domain/progress-message.js';
import { PAGE_SIZE } from '../domain/wire-contract.js';
import { ApiClient, ApiError } from './api.js';
import { createJobCard, showCardTransport, updateJobCard } from './job-card.js';
import { JobList } from './job-list.js';
import { JobWatcher, type WatchPlatform } from './job-watcher.js';
import type { PageElements } from './page-elements.js';
import { markProgressApplied } from './progress-marks.js';
import { forgetToken, storeToken, takeToken, tokenSubject } from './token.js';
import { browserPlatform } from './transports.js';
import type { WatchMode, WatchPhase } from './watch-machine.js';

const SIGNED_OUT_MESSAGE = 'Your token was rejected: it may have expired. Paste a new one to continue.';

/** Everything that belongs to one token; replaced as a whole on sign-in and sign-out. */
interface Session {
  readonly api: ApiClient;
  readonly list: JobList;
  readonly cards: Map<string, HTMLLIElement>;
  readonly watchers: Map<string, JobWatcher>;
  mode: WatchMode;
  platform: WatchPlatform | undefined;
  /** List changes (first page, uploads, Load More) run one after another, so offsets stay exact. */
  serial: Promise<void>;
}

export class JobsPage {
  private session: Session | undefined;

  constructor(
    private readonly win: Window & typeof globalThis,
    private readonly ui: PageElements,
  ) {}

  start(): void {
    const { ui } = this;
    ui.tokenForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const token = ui.tokenInput.value.trim();
      if (!token) return;
      ui.tokenInput.value = '';
      storeToken(this.win, token);
      this.open(token);
    });
    ui.signOut.addEventListener('click', () => this.signOut());
    ui.uploadForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.upload();
    });
    ui.loadMore.addEventListener('click', () => this.loadMore());
    const token = takeToken(this.win);
    if (token) this.open(token);
    else this.signOut();
  }

  private open(token: string): void {
    this.close();
    const api = new ApiClient({
      pageHref: this.win.location.href,
      token: () => token,
      fetch: this.win.fetch.bind(this.win),
    });
    const session: Session = {
      api,
      list: new JobList(),
      cards: new Map(),
      watchers: new Map(),
      mode: 'polling',
      platform: undefined,
      serial: Promise.resolve(),
    };
    this.session = session;
    this.showNotice(undefined);
    this.ui.tokenPanel.hidden = true;
    this.ui.session.hidden = false;
    this.ui.user.textContent = tokenSubject(token) ?? '';
    this.ui.mode.textContent = 'Connecting…';
    this.serially(
      session,
      async () => {
        const config = await api.config();
        const page = await api.listJobs(0, PAGE_SIZE);
        session.mode = config.enableWebsocket ? 'websocket' : 'polling';
        session.platform = browserPlatform({
          pageHref: this.win.location.href,
          token: () => token,
          api,
          pollIntervalMs: config.pollIntervalMs,
          WebSocket: this.win.WebSocket,
        });
        this.ui.mode.dataset.mode = session.mode;
        this.ui.mode.textContent =
          session.mode === 'websocket' ? 'Live updates' : `Updates every ${Math.round(config.pollIntervalMs / 1000)} s`;
        this.ui.uploadPanel.hidden = false;
        this.ui.jobsPanel.hidden = false;
        this.show(session, session.list.appendPage({ offset: 0, ...page }), 'append');
      },
      'Could not load your jobs',
    );
  }

  private upload(): void {
    const session = this.session;
    const file = this.ui.fileInput.files?.[0];
    if (!session) return;
    if (!file) {
      this.status('Choose a CSV file first.', 'error');
      return;
    }
    this.ui.uploadButton.disabled = true;
    this.status(`Uploading ${file.name}…`, 'info');
    this.serially(
      session,
      async () => {
        try {
          const job = await session.api.upload(file, file.name);
          if (session.list.insertTop(job)) this.show(session, [job], 'prepend');
          this.ui.uploadForm.reset();
          this.status(`Uploaded ${job.filename}: ${job.total.toLocaleString()} rows.`, 'info');
        } catch (error) {
          if (error instanceof ApiError && error.status !== 401) this.status(error.message, 'error');
          else throw error;
        } finally {
          this.ui.uploadButton.disabled = false;
        }
      },
      'The upload failed',
    );
  }

  private loadMore(): void {
    const session = this.session;
    if (!session) return;
    this.ui.loadMore.disabled = true;
    this.serially(
      session,
      async () => {
        try {
          const offset = session.list.nextOffset();
          const page = await session.api.listJobs(offset, PAGE_SIZE);
          this.show(session, session.list.appendPage({ offset, ...page }), 'append');
        } finally {
          this.ui.loadMore.disabled = false;
        }
      },
      'Could not load more jobs',
    );
  }

  /** Adds cards for `jobs` and starts watching the unfinished ones. */
  private show(session: Session, jobs: readonly Job[], where: 'append' | 'prepend'): void {
    if (session !== this.session) return;
    const cards = jobs.map((job) => {
      const card = createJobCard(this.win.document, job, (jobId) => this.download(session, jobId));
      session.cards.set(job.id, card);
      return card;
    });
    if (where === 'append') this.ui.jobs.append(...cards);
    else this.ui.jobs.prepend(...cards);
    for (const job of jobs) this.watch(session, job);
    this.ui.jobCount.textContent = session.list.size > 0 ? `(${session.list.size.toLocaleString()})` : '';
    this.ui.empty.hidden = session.list.size > 0;
    this.ui.loadMore.hidden = !session.list.hasMore();
  }

  private watch(session: Session, job: Job): void {
    if (isTerminal(job.status) || !session.platform || session.watchers.has(job.id)) return;
    const watcher = new JobWatcher({
      jobId: job.id,
      lastSeq: job.seq,
      platform: session.platform,
      onApply: (message) => this.apply(session, message),
      onPhase: (phase) => this.phaseChanged(session, job.id, phase),
    });
    session.watchers.set(job.id, watcher);
    watcher.start(session.mode);
  }

  private apply(session: Session, message: ProgressMessage): void {
    const job = session.list.applyProgress(message);
    const card = session.cards.get(message.jobId);
    if (!job || !card) return;
    updateJobCard(card, job);
    markProgressApplied(this.win.performance, message);
  }

  private phaseChanged(session: Session, jobId: string, phase: WatchPhase): void {
    const card = session.cards.get(jobId);
    if (card) showCardTransport(card, phase);
    if (phase.kind === 'finished' || phase.kind === 'refused' || phase.kind === 'stopped')
      session.watchers.delete(jobId);
    if (phase.kind === 'refused' && phase.reason === 'unauthorized' && session === this.session)
      this.signOut(SIGNED_OUT_MESSAGE);
  }

  private download(session: Session, jobId: string): void {
    const job = session.list.get(jobId);
    session.api.result(jobId).then(
      (blob) => {
        const url = URL.createObjectURL(blob);
        const link = this.win.document.createElement('a');
        link.href = url;
        link.download = `${(job?.filename ?? 'result').replace(/\.csv$/i, '')}-personalized.csv`;
        link.click();
        this.win.setTimeout(() => URL.revokeObjectURL(url), 10_000);
      },
      (error: unknown) => this.fail(session, error, 'Could not download the result'),
    );
  }

  /** Runs `task` after the session's earlier list changes; reports its failure. */
  private serially(session: Session, task: () => Promise<void>, failure: string): void {
    session.serial = session.serial
      .then(() => (session === this.session ? task() : undefined))
      .catch((error: unknown) => this.fail(session, error, failure));
  }

  private fail(session: Session, error: unknown, what: string): void {
    if (session !== this.session) return;
    if (error instanceof ApiError && error.status === 401) {
      this.signOut(SIGNED_OUT_MESSAGE);
      return;
    }
    const detail =
      error instanceof ApiError
        ? error.message
        : 'The server could not be reached. Check the connection and reload the page.';
    this.showNotice(`${what}. ${detail}`);
  }

  private signOut(message?: string): void {
    this.close();
    forgetToken(this.win);
    const { ui } = this;
    ui.jobs.replaceChildren();
    ui.session.hidden = true;
    ui.uploadPanel.hidden = true;
    ui.jobsPanel.hidden = true;
    ui.tokenPanel.hidden = false;
    this.status('', 'info');
    this.showNotice(message);
  }

  /** Stops every watcher of the current session (its sockets close, its timers stop). */
  private close(): void {
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    for (const watcher of session.watchers.values()) watcher.stop();
    session.watchers.clear();
  }

  private status(text: string, kind: 'info' | 'error'): void {
    this.ui.uploadStatus.textContent = text;
    this.ui.uploadStatus.dataset.kind = kind;
  }

  private showNotice(text: string | undefined): void {
    this.ui.notice.hidden = text === undefined;
    this.ui.notice.textContent = text ?? '';
  }
}
