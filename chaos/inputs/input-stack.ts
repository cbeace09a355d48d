/** The stack the bad-input classes run against: no row delay, a small row limit, no upload limit. */
import type { StackOptions } from '../stack/chaos-stack.js';

/** Small, so the row-limit case stays cheap. */
export const INPUT_MAX_ROWS = 1_000;

export const INPUT_STACK: StackOptions = {
  env: { ROW_DELAY_MS: '0', MAX_ROWS: String(INPUT_MAX_ROWS), UPLOADS_PER_MINUTE: '1000000' },
};
