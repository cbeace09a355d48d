/**
 * One job's card in the list: name, status, progress bar, rows, error, result link. Built with
 * `textContent` only (file names and errors are user data, never parsed as HTML). Updates change
 * the existing elements in place, so a card never flickers or loses focus.
 */
import type { Job } from '../domain/job.js';
import type { WatchPhase } from './watch-machine.js';

/** The elements of a card that change. */
interface CardParts {
  readonly badge: HTMLElement;
  readonly bar: HTMLElement;
  readonly fill: HTMLElement;
  readonly percent: HTMLElement;
  readonly rows: HTMLElement;
  readonly transport: HTMLElement;
  readonly result: HTMLAnchorElement;
  readonly error: HTMLElement;
}

const parts = new WeakMap<HTMLElement, CardParts>();

/** Builds the card of `job`; `onDownload` runs when the result link is used. */
export function createJobCard(doc: Document, job: Job, onDownload: (jobId: string) => void): HTMLLIElement {
  const el = <K extends keyof HTMLElementTagNameMap>(
    tag: K,
    className: string,
    text = '',
  ): HTMLElementTagNameMap[K] => {
    const node = doc.createElement(tag);
    node.className = className;
    node.textContent = text;
    return node;
  };
  const card = el('li', 'job');
  card.dataset.jobId = job.id;

  const head = el('div', 'job-head');
  const name = el('span', 'job-name', job.filename);
  name.title = job.filename;
  const badge = el('span', 'badge');
  head.append(name, badge);

  const progress = el('div', 'job-progress');
  const bar = el('div', 'bar');
  bar.setAttribute('role', 'progressbar');
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', '100');
  bar.setAttribute('aria-label', `Progress of ${job.filename}`);
  const fill = el('div', 'bar-fill');
  bar.append(fill);
  const percent = el('span', 'percent');
  progress.append(bar, percent);

  const meta = el('div', 'job-meta');
  const rows = el('span', 'rows');
  const created = el('time', 'created', `Uploaded ${formatTime(job.createdAt)}`);
  created.dateTime = job.createdAt;
  const transport = el('span', 'transport');
  const result = el('a', 'result', 'Download result');
  result.href = `jobs/${encodeURIComponent(job.id)}/result`;
  result.addEventListener('click', (event) => {
    // The result needs the token in a header, which a plain link cannot send.
    event.preventDefault();
    onDownload(job.id);
  });
  meta.append(rows, created, transport, result);

  const error = el('p', 'job-error');
  error.setAttribute('role', 'alert');

  card.append(head, progress, meta, error);
  parts.set(card, { badge, bar, fill, percent, rows, transport, result, error });
  updateJobCard(card, job);
  return card;
}

/** Shows `job`'s current state on its card. */
export function updateJobCard(card: HTMLElement, job: Job): void {
  const p = parts.get(card);
  if (!p) return;
  card.dataset.status = job.status;
  card.dataset.seq = String(job.seq);
  p.badge.textContent = job.status;
  p.bar.setAttribute('aria-valuenow', String(job.percent));
  p.bar.setAttribute('aria-valuetext', `${job.percent}% (${job.processed} of ${job.total} rows)`);
  // CSSOM, not a style attribute: the page's CSP (style-src 'self') allows only this kind.
  p.fill.style.transform = `scaleX(${job.percent / 100})`;
  p.percent.textContent = `${job.percent}%`;
  p.rows.textContent = `${job.processed.toLocaleString()} / ${job.total.toLocaleString()} rows`;
  p.result.hidden = job.status !== 'succeeded';
  p.error.hidden = job.status !== 'failed';
  p.error.textContent = job.status === 'failed' ? (job.error ?? 'The job failed.') : '';
}

/** Shows how the card gets its updates (live, reconnecting, polling), or nothing when done. */
export function showCardTransport(card: HTMLElement, phase: WatchPhase): void {
  const p = parts.get(card);
  if (!p) return;
  const [key, text] = transportOf(phase);
  card.dataset.transport = key;
  p.transport.textContent = text;
}

function transportOf(phase: WatchPhase): [string, string] {
  switch (phase.kind) {
    case 'socket':
      return phase.failures === 0 ? ['websocket', 'live'] : ['reconnecting', 'reconnecting…'];
    case 'backoff':
      return ['reconnecting', 'reconnecting…'];
    case 'fallback':
    case 'probe':
    case 'polling':
      return ['polling', 'updating every few seconds'];
    case 'refused':
      return ['refused', phase.reason === 'not-found' ? 'no longer available' : 'sign in again to follow'];
    case 'idle':
    case 'finished':
    case 'stopped':
      return ['none', ''];
  }
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const today = new Date().toDateString() === date.toDateString();
  return today
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
