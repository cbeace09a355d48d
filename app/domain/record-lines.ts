/**
 * How a validated upload is stored for its worker: one JSON array of strings per record, one record
 * per line (the header first, blank lines already dropped). The web server parses the CSV once, to
 * validate it; the worker reads these lines back with `JSON.parse`, several times faster than parsing
 * the CSV again. JSON escapes line breaks inside strings, so a line break always ends a record. Pure.
 */

/** The stored line of one record. */
export function encodeRecord(fields: readonly string[]): string {
  return `${JSON.stringify(fields)}\n`;
}

/** Turns stored text, in chunks cut anywhere, back into records. */
export class RecordLineDecoder {
  private rest = '';

  /** Characters of the record not yet complete. */
  get pendingLength(): number {
    return this.rest.length;
  }

  /** The records completed by `text` (a trailing partial line is kept for the next call). */
  push(text: string): string[][] {
    const end = text.lastIndexOf('\n');
    if (end < 0) {
      this.rest += text;
      return [];
    }
    const complete = this.rest + text.slice(0, end);
    this.rest = text.slice(end + 1);
    // One parse for the whole batch: the lines are JSON arrays, so joining them makes one array. A
    // single line (a large record) is parsed as it is, saving a copy of it.
    if (complete.indexOf('\n') < 0) return [JSON.parse(complete) as string[]];
    return JSON.parse(`[${complete.replaceAll('\n', ',')}]`) as string[][];
  }

  /** Says the text ended; throws if it ended in the middle of a record. */
  end(): void {
    if (this.rest !== '') throw new Error('the stored input ends in the middle of a record');
  }
}
