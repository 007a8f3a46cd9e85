/** Splits a byte stream into lines (JSON Lines): CRLF and blank lines tolerated (BR-03). */
export interface Line {
  text: string;
  /** 1-based line number in the file. */
  line: number;
  offset: number;
}

export class LineSplitter {
  #parts: Buffer[] = [];
  #base = 0;
  #lineStart = 0;
  #line = 0;

  push(chunk: Buffer): Line[] {
    const out: Line[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      this.#parts.push(chunk.subarray(start, nl));
      this.#emit(out);
      start = nl + 1;
      this.#lineStart = this.#base + start;
    }
    if (start < chunk.length) this.#parts.push(chunk.subarray(start));
    this.#base += chunk.length;
    return out;
  }

  end(): Line[] {
    const out: Line[] = [];
    if (this.#parts.length > 0) this.#emit(out);
    return out;
  }

  #emit(out: Line[]): void {
    this.#line++;
    const bytes =
      this.#parts.length === 1 ? this.#parts[0] : Buffer.concat(this.#parts);
    this.#parts = [];
    const text = (bytes ?? Buffer.alloc(0)).toString("utf8").trim();
    if (text !== "")
      out.push({ text, line: this.#line, offset: this.#lineStart });
  }
}
