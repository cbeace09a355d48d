/** Waiting until an HTTP endpoint answers 2xx (`/health` of a web process, `/-/ready` of prometheus). */
import { waitUntil, type WaitOptions } from './wait-until.js';

/** Whether `url` answers 2xx now. */
export async function answersOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** Resolves once `url` answers 2xx; throws when the child exits first or time runs out. */
export function waitForHttp(url: string, options: WaitOptions = {}): Promise<void> {
  return waitUntil(`${url} answered`, () => answersOk(url), options);
}
