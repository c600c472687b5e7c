/** Turns one element's text into its value. */
export type ParseText = (text: string) => unknown;

const openBrace = 123;
const closeBrace = 125;
const quote = 34;
const backslash = 92;
const comma = 44;

/**
 * Parses PostgreSQL's array output (`{1,NULL,"a \"b\""}`, `{{1,2},{3,4}}`, `[0:1]={7,8}`) into nested JS
 * arrays: unquoted NULL is null, every other element goes through `parseItem` (none: its text).
 * postgres.js's own array parser turns an unquoted NULL into the text "NULL" (or NaN for numbers),
 * hence this one. Only server output is read, which never pads elements with spaces.
 */
export function parseArrayText(text: string, parseItem: ParseText | undefined, delimiter = comma): unknown[] {
  let i = 0;
  // Bounds other than 1 come first, as `[0:1]={...}`: the bounds themselves are not kept.
  if (text.charCodeAt(0) === 91) i = text.indexOf("=") + 1;
  const fail = (): never => {
    throw new TypeError(`malformed array text from the server: ${JSON.stringify(text.slice(0, 100))}`);
  };

  const list = (): unknown[] => {
    if (text.charCodeAt(i) !== openBrace) fail();
    i++;
    const items: unknown[] = [];
    if (text.charCodeAt(i) === closeBrace) {
      i++;
      return items;
    }
    for (;;) {
      const code = text.charCodeAt(i);
      if (code === openBrace) {
        items.push(list());
      } else if (code === quote) {
        i++;
        let value = "";
        let start = i;
        for (;;) {
          const c = text.charCodeAt(i);
          if (Number.isNaN(c)) fail();
          if (c === quote) break;
          if (c === backslash) {
            value += text.slice(start, i);
            i++;
            start = i;
          }
          i++;
        }
        value += text.slice(start, i);
        i++;
        items.push(parseItem === undefined ? value : parseItem(value));
      } else {
        const start = i;
        for (;;) {
          const c = text.charCodeAt(i);
          if (Number.isNaN(c)) fail();
          if (c === delimiter || c === closeBrace) break;
          i++;
        }
        const value = text.slice(start, i);
        if (value.length === 0) fail();
        items.push(value === "NULL" ? null : parseItem === undefined ? value : parseItem(value));
      }
      const next = text.charCodeAt(i);
      i++;
      if (next === delimiter) continue;
      if (next === closeBrace) return items;
      fail();
    }
  };

  const result = list();
  if (i !== text.length) fail();
  return result;
}

/** A parser for arrays whose elements `parseItem` reads, split on `delimiter` (`;` for box). */
export function arrayParser(parseItem: ParseText | undefined, delimiter = comma): ParseText {
  return (text) => parseArrayText(text, parseItem, delimiter);
}

/**
 * A JS array as PostgreSQL array input text, every element quoted so that no text is ever read as
 * NULL or split; `item` gives an element's text (null and undefined are NULL).
 */
export function formatArrayText(values: readonly unknown[], item: (value: unknown) => string): string {
  let text = "{";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) text += ",";
    const value = values[i];
    if (value === null || value === undefined) text += "NULL";
    else if (Array.isArray(value)) text += formatArrayText(value, item);
    else text += `"${item(value).replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
  }
  return `${text}}`;
}
