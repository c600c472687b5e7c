/** Turns the text of one value into its JS value. */
export type TextParser = (text: string) => unknown;

/**
 * Parses PostgreSQL's array output (`{1,2,NULL}`, `{{"a b","c\"d"},{e,f}}`, `[0:1]={x,y}`) into
 * nested JS arrays, each non-NULL element through `parseElement`. `delimiter` is the element
 * type's typdelim (`,` for every built-in type except box, which uses `;`).
 */
export function parseArray(text: string, parseElement: TextParser, delimiter = ","): unknown[] {
  // Arrays whose lower bound is not 1 start with their dimensions: "[0:2]={...}".
  const start = text.charCodeAt(0) === 0x5b /* [ */ ? text.indexOf("=") + 1 : 0;
  const reader = new ArrayReader(text, start, parseElement, delimiter);
  const array = reader.readArray();
  if (!reader.atEnd) throw new SyntaxError(`malformed array literal: ${JSON.stringify(text)}`);
  return array;
}

class ArrayReader {
  private position: number;
  private readonly text: string;
  private readonly parseElement: TextParser;
  private readonly delimiter: string;

  constructor(text: string, position: number, parseElement: TextParser, delimiter: string) {
    this.text = text;
    this.position = position;
    this.parseElement = parseElement;
    this.delimiter = delimiter;
  }

  get atEnd(): boolean {
    return this.position === this.text.length;
  }

  /** Reads `{...}` at the current position, leaving the position after its closing brace. */
  readArray(): unknown[] {
    const text = this.text;
    if (text[this.position] !== "{")
      throw new SyntaxError(`malformed array literal: ${JSON.stringify(text)}`);
    this.position++;
    const elements: unknown[] = [];
    if (text[this.position] === "}") {
      this.position++;
      return elements;
    }
    for (;;) {
      const char = text[this.position];
      if (char === "{") elements.push(this.readArray());
      else if (char === '"') elements.push(this.parseElement(this.readQuoted()));
      else elements.push(this.readUnquoted());
      const next = text[this.position];
      this.position++;
      if (next === "}") return elements;
      if (next !== this.delimiter) throw new SyntaxError(`malformed array literal: ${JSON.stringify(text)}`);
    }
  }

  /** A double-quoted element: backslash escapes the next character. */
  private readQuoted(): string {
    const text = this.text;
    let position = this.position + 1;
    let value = "";
    let chunkStart = position;
    for (;;) {
      const char = text[position];
      if (char === undefined) throw new SyntaxError(`malformed array literal: ${JSON.stringify(text)}`);
      if (char === '"') break;
      if (char === "\\") {
        value += text.slice(chunkStart, position);
        position++;
        chunkStart = position;
      }
      position++;
    }
    this.position = position + 1;
    return value + text.slice(chunkStart, position);
  }

  /** An unquoted element: text up to the delimiter or closing brace; a bare NULL is SQL NULL. */
  private readUnquoted(): unknown {
    const text = this.text;
    const start = this.position;
    let position = start;
    for (;;) {
      const char = text[position];
      if (char === undefined) throw new SyntaxError(`malformed array literal: ${JSON.stringify(text)}`);
      if (char === this.delimiter || char === "}") break;
      position++;
    }
    this.position = position;
    const raw = text.slice(start, position);
    return raw === "NULL" ? null : this.parseElement(raw);
  }
}
