/**
 * The progress line while the benchmark runs, on stderr (stdout carries the table). On a terminal it
 * is rewritten in place; otherwise (CI logs) a line is printed when the step changes, or every 5 s.
 */
export class ProgressLine {
  private lastStep = '';
  private lastPrinted = 0;
  private readonly tty = process.stderr.isTTY === true;

  update(prefix: string, text: string): void {
    const line = `${prefix} ${text}`;
    if (this.tty) {
      process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
      return;
    }
    const step = `${prefix} ${text.split(/[\d:]/)[0]}`;
    if (step !== this.lastStep || Date.now() - this.lastPrinted > 5000) {
      process.stderr.write(`${line}\n`);
      this.lastStep = step;
      this.lastPrinted = Date.now();
    }
  }

  /** Ends the current line with a final message. */
  finish(text: string): void {
    process.stderr.write(this.tty ? `\r\x1b[2K${text}\n` : `${text}\n`);
    this.lastStep = '';
  }
}
