// Types for require-node.mjs, which stays plain JavaScript so that it runs on any Node.

/** The major version package.json's `engines.node` (`>=N`) asks for. */
export function requiredNodeMajor(): number;

/**
 * The message for a Node that is too old, or undefined when `version` (as in `process.version`) is
 * at least `required`.
 */
export function nodeVersionProblem(version: string, required: number, execPath: string): string | undefined;

/** Exits with status 1 and the message when the running Node is too old. */
export function requireNode(): void;
