/** With the u flag, a surrogate range matches only unpaired surrogates. */
const loneSurrogate = /[\uD800-\uDFFF]/u;

/**
 * Whether `s` holds an unpaired UTF-16 surrogate. Such a string has no UTF-8 form: every driver
 * encodes it with U+FFFD in its place, so the server would store something else than was given.
 */
export function hasLoneSurrogate(s: string): boolean {
  return loneSurrogate.test(s);
}

/**
 * Why PostgreSQL cannot hold `s` as text, or undefined when it can: NUL (text cannot store it) or an
 * unpaired surrogate (it would arrive as U+FFFD).
 */
export function textProblem(s: string): string | undefined {
  if (s.includes("\u0000")) return "text cannot contain NUL (\\u0000)";
  if (loneSurrogate.test(s)) return "text cannot contain an unpaired UTF-16 surrogate (\\uD800-\\uDFFF)";
  return undefined;
}

/** The length of `s` in UTF-8 bytes (an unpaired surrogate counts as the 3 bytes of U+FFFD). */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(s.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
