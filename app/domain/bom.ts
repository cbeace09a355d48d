/**
 * Drops one leading UTF-8 byte order mark, as a UTF-8 decoder does, before csv-parse sees the bytes
 * (csv-parse's own `bom` option then drops a second one, as it did when the service decoded whole
 * files first). Pure.
 */
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export class BomStripper {
  private head: Buffer | undefined = Buffer.alloc(0);

  /** The chunk without the mark; holds back up to 2 bytes at the start until it can tell. */
  strip(chunk: Buffer): Buffer {
    if (this.head === undefined) return chunk;
    const start = Buffer.concat([this.head, chunk]);
    if (start.length < 3 && BOM.subarray(0, start.length).equals(start)) {
      this.head = start;
      return Buffer.alloc(0);
    }
    this.head = undefined;
    return start.subarray(0, 3).equals(BOM) ? start.subarray(3) : start;
  }

  /** Bytes still held back at the end of the file (a file shorter than a mark). */
  rest(): Buffer {
    const held = this.head ?? Buffer.alloc(0);
    this.head = undefined;
    return held;
  }
}
