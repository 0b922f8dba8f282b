/**
 * UTF-8 bytes → lines, for line-oriented inputs (NDJSON): split on "\n" (a "\r" before it
 * dropped), a byte-order mark at the start dropped, the last line given even without a
 * newline. Newlines are found in the bytes and each line is decoded on its own: a "\n" byte
 * never occurs inside a multi-byte UTF-8 sequence, so this reads the same as decoding the
 * stream and splitting the text, at a fraction of the cost (no decoder state, no joined and
 * re-sliced text per chunk).
 */
export class LineSplitter {
  /** Bytes of a line not yet ended, in arrival order (a long line may span many chunks). */
  private pending: Buffer[] = [];
  private first = true;

  /** The lines that `data` completes. */
  push(data: Uint8Array): string[] {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const out: string[] = [];
    let start = 0;
    for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10, start)) {
      if (this.pending.length) {
        this.pending.push(buf.subarray(0, nl));
        const line = Buffer.concat(this.pending);
        this.pending = [];
        out.push(this.decode(line, 0, line.length));
      } else out.push(this.decode(buf, start, nl));
      start = nl + 1;
    }
    if (start < buf.length) this.pending.push(buf.subarray(start));
    return out;
  }

  /** The last line, if the input did not end with a newline (and it is not empty: a lone "\r" or BOM). */
  end(): string[] {
    if (!this.pending.length) return [];
    const line = Buffer.concat(this.pending);
    this.pending = [];
    const text = this.decode(line, 0, line.length);
    return text ? [text] : [];
  }

  private decode(buf: Buffer, start: number, end: number): string {
    if (end > start && buf[end - 1] === 13) end--;
    let text = buf.toString("utf8", start, end);
    if (this.first) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }
}
