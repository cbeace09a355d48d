/**
 * How a validated upload is stored for its worker: one record per line (the header first, blank
 * lines already dropped), its fields separated by tabs, with `\`, tab, LF and CR written as `\\`,
 * `\t`, `\n` and `\r`. The web server parses the CSV once, to validate it; the worker splits these
 * lines back into records, several times faster than parsing the CSV again. No character grows to
 * more than two, so the stored text is at most twice the upload (what admission reserves for it,
 * app/domain/capacity.ts), which a format like JSON (`\u0001` for one byte) could not promise. Pure.
 */

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPED_ALL = /\\(.)/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const UNESCAPES: Readonly<Record<string, string>> = { '\\': '\\', t: '\t', n: '\n', r: '\r' };

/** The stored line of one record. */
export function encodeRecord(fields: readonly string[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (i > 0) line += '\t';
    line += SPECIAL.test(field) ? field.replace(SPECIAL_ALL, (c) => ESCAPES[c]!) : field;
  }
  return `${line}\n`;
}

function decodeRecord(line: string): string[] {
  const fields = line.split('\t');
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field.includes('\\')) fields[i] = field.replace(ESCAPED_ALL, (_match, c: string) => UNESCAPES[c] ?? c);
  }
  return fields;
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
    return complete.split('\n').map(decodeRecord);
  }

  /** Says the text ended; throws if it ended in the middle of a record. */
  end(): void {
    if (this.rest !== '') throw new Error('the stored input ends in the middle of a record');
  }
}
