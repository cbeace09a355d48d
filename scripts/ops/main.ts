/** Entry wrapper of the operations scripts: runs `main`, maps {@link OpsError} codes to exit statuses. */
import { OpsError } from './outcome.js';

/** Runs `main(argv)` and sets the exit status from its answer or its error. */
export function runMain(main: (argv: readonly string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof OpsError) {
        process.stderr.write(`${error.message}\n`);
        process.exitCode = error.exitCode;
      } else {
        process.stderr.write(`Unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
        process.exitCode = 1;
      }
    },
  );
}

/** Writes a line to stdout (the default {@link Output} of the scripts). */
export const stdoutLine = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
