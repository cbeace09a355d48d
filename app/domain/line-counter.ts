/**
 * The 1-based line at a byte offset of a file that arrives in chunks. A line break is CRLF, LF or a
 * lone CR (what spreadsheet programs write). Pure: bytes in, numbers out.
 *
 * csv-parse's own `lines` counts a CRLF inside a quoted cell as two lines, so the CSV inspector asks
 * this counter instead, with the byte offset where a record starts.
 */

const LF = 0x0a;
const CR = 0x0d;

export class LineCounter {
  /** Chunks not yet fully counted; the first one starts at absolute offset {@link base}. */
  private readonly chunks: Buffer[] = [];
  private base = 0;
  /** Absolute offset up to which line breaks are counted. */
  private position = 0;
  private line = 1;

  /** Adds the next chunk of the file. */
  append(chunk: Buffer): void {
    if (chunk.length > 0) this.chunks.push(chunk);
  }

  /**
   * The line on which the byte at `offset` stands. Offsets must not decrease between calls (records
   * come in order): bytes before `offset` are counted once and then let go, so memory stays at about
   * one record.
   */
  lineAt(offset: number): number {
    while (this.position < offset) {
      const chunk = this.chunks[0];
      if (!chunk) break;
      const start = this.position - this.base;
      const stop = Math.min(chunk.length, start + offset - this.position);
      // indexOf is memchr: far cheaper than a loop over every byte of a 10 MiB upload.
      for (let i = chunk.indexOf(LF, start); i >= 0 && i < stop; i = chunk.indexOf(LF, i + 1)) this.line++;
      for (let i = chunk.indexOf(CR, start); i >= 0 && i < stop; i = chunk.indexOf(CR, i + 1)) {
        if (this.byteAfter(chunk, i) !== LF) this.line++;
      }
      this.position += stop - start;
      if (stop === chunk.length) {
        this.chunks.shift();
        this.base += chunk.length;
      }
    }
    return this.line;
  }

  /**
   * The byte after `chunk[i]`, looking into the next chunk; undefined past the bytes seen so far. A
   * record's start offset always lies inside appended bytes, so "undefined" happens only at the end of
   * the file, where a lone CR counts as a break, as the whole-file parser counted it.
   */
  private byteAfter(chunk: Buffer, i: number): number | undefined {
    return i + 1 < chunk.length ? chunk[i + 1] : this.chunks[1]?.[0];
  }
}
