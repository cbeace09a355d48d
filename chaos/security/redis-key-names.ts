/**
 * Key names an audited command may use: every key the services build, with ids that are minted
 * UUIDs and user ids that are percent-encoded. Pure.
 */

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** What encodeURIComponent can output. */
const ENCODED = "[A-Za-z0-9\\-_.!~*'()%]+";

const ALLOWED_KEYS: readonly RegExp[] = [
  new RegExp(`^pl:job:${UUID}(?::input|:result|:partial)?$`),
  // The prefix the capacity and list scripts put in front of a job id.
  /^pl:job:$/,
  new RegExp(`^pl:upload:${UUID}$`),
  new RegExp(`^pl:user:${ENCODED}:(?:jobs|expiry)$`),
  /^pl:jobs:(?:open|counter|retained)$/,
  /^pl:capacity:uploads$/,
  new RegExp(`^pl:rate:upload:${ENCODED}$`),
  // The cross-process WebSocket cap: the leases, and each web process' slots (named by a minted UUID).
  /^pl:ws:leases$/,
  new RegExp(`^pl:ws:slots:(?:${UUID})?$`),
  // BullMQ's own keys: its lists and sets by name, and per job our UUID with an optional suffix.
  new RegExp(`^pl:bull:personalize:(?:[a-z-]*(?::[a-z-]+)?|${UUID}(?::[a-z]+)?)$`),
  new RegExp(`^job_progress:${UUID}$`),
];

/** A well-formed job id: the only kind that may reach a key. */
export function isWellFormedJobId(text: string): boolean {
  return new RegExp(`^${UUID}$`).test(text);
}

/** Arguments shaped like one of our keys or channels (values such as message texts are not). */
export function isKeyLike(argument: string): boolean {
  return argument.startsWith('pl:') || argument.startsWith('job_progress:');
}

export function isAllowedKey(argument: string): boolean {
  return ALLOWED_KEYS.some((pattern) => pattern.test(argument));
}
