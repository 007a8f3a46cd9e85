import { StringDecoder } from "node:string_decoder";
import { MAX_ITEM_BYTES } from "./json-splitter.js";

/**
 * Splits CSV (RFC 4180: quoted fields may hold commas, quotes and newlines, as a multi-line secret
 * in gitleaks' CSV does) into rows keyed by the header row.
 */
export interface CsvRow {
  row: Record<string, string>;
  line: number;
}

export class CsvSplitter {
  readonly #decoder = new StringDecoder("utf8");
  #header: string[] | null = null;
  #field = "";
  #row: string[] = [];
  #inQuotes = false;
  #quotePending = false;
  #line = 1;
  #rowLine = 1;

  push(chunk: Buffer): CsvRow[] {
    const rows = this.#consume(this.#decoder.write(chunk));
    // A quote left open reads the rest of the file into one field: not held past this.
    let open = this.#field.length;
    for (const cell of this.#row) open += cell.length;
    if (open > MAX_ITEM_BYTES)
      throw new CsvError(
        `a row longer than ${MAX_ITEM_BYTES / 1024 / 1024} MB (a quote left open?)`,
        this.#rowLine,
      );
    return rows;
  }

  end(): CsvRow[] {
    const out = this.#consume(this.#decoder.end());
    if (this.#inQuotes && !this.#quotePending) {
      throw new CsvError("unterminated quoted field", this.#rowLine);
    }
    this.#quotePending = false;
    this.#inQuotes = false;
    if (this.#field !== "" || this.#row.length > 0) this.#endRow(out);
    return out;
  }

  #consume(text: string): CsvRow[] {
    const out: CsvRow[] = [];
    for (const c of text) {
      if (this.#quotePending) {
        this.#quotePending = false;
        if (c === '"') {
          this.#field += '"';
          continue;
        }
        this.#inQuotes = false;
      }
      if (this.#inQuotes) {
        if (c === '"') this.#quotePending = true;
        else this.#field += c;
        if (c === "\n") this.#line++;
        continue;
      }
      if (c === '"') this.#inQuotes = true;
      else if (c === ",") this.#endField();
      else if (c === "\n") {
        this.#endRow(out);
        this.#line++;
        this.#rowLine = this.#line;
      } else if (c !== "\r") this.#field += c;
    }
    return out;
  }

  #endField(): void {
    this.#row.push(this.#field);
    this.#field = "";
  }

  #endRow(out: CsvRow[]): void {
    this.#endField();
    const cells = this.#row;
    this.#row = [];
    if (cells.length === 1 && cells[0] === "") return;
    if (this.#header === null) {
      this.#header = cells.map((c) => c.trim());
      return;
    }
    const row: Record<string, string> = {};
    this.#header.forEach((name, i) => (row[name] = cells[i] ?? ""));
    out.push({ row, line: this.#rowLine });
  }
}

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}
