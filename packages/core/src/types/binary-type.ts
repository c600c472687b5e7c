import { z } from "zod";
import { SqlType } from "./sql-type.ts";

/** Node's Buffer when present (node-postgres needs one for bytea parameters); absent in browsers. */
const NodeBuffer: typeof Buffer | undefined = globalThis.Buffer;

const hexDigits = /^[0-9a-fA-F]*$/;

/**
 * BYTEA as a Uint8Array (a Node Buffer is one and is accepted). Sent as a Buffer view of the same bytes
 * where Buffer exists (node-postgres sends a Buffer as binary; PGlite takes any Uint8Array), else as
 * the Uint8Array. Read back as a plain Uint8Array (a Buffer from the driver is copied, so no pooled
 * memory is kept alive), from bytes or from text in either bytea_output format (`\x0a0b`, escape).
 */
class LargeBinaryType extends SqlType<Uint8Array> {
  readonly name = "LargeBinary";
  readonly schema = z.instanceof(Uint8Array, { error: "not a Uint8Array (or Buffer)" });

  override validate(value: unknown): boolean {
    return value instanceof Uint8Array;
  }

  override toDriver(value: Uint8Array): unknown {
    if (NodeBuffer === undefined || NodeBuffer.isBuffer(value)) return value;
    return NodeBuffer.from(value.buffer, value.byteOffset, value.byteLength);
  }

  override fromDriver(value: unknown): Uint8Array {
    if (value instanceof Uint8Array) {
      return value.constructor === Uint8Array ? value : new Uint8Array(value);
    }
    if (typeof value === "string") return parseByteaText(value);
    throw new TypeError(`LargeBinary: cannot read ${typeof value} ${String(value)} from the driver as bytes`);
  }

  ddl(): string {
    return "BYTEA";
  }
}

/** bytea text output: hex (`\x0a0b`, the default) or the older escape format (`a\000\\`). */
function parseByteaText(text: string): Uint8Array {
  if (text.startsWith("\\x")) {
    const hex = text.slice(2);
    if (hex.length % 2 !== 0 || !hexDigits.test(hex)) {
      throw new TypeError(`LargeBinary: ${JSON.stringify(text.slice(0, 40))} is not bytea hex text`);
    }
    const bytes = new Uint8Array(hex.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    return bytes;
  }
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 92 /* \ */) {
      if (text.charCodeAt(i + 1) === 92) {
        bytes.push(92);
        i++;
        continue;
      }
      const octal = text.slice(i + 1, i + 4);
      if (!/^[0-3][0-7]{2}$/.test(octal)) {
        throw new TypeError(
          `LargeBinary: bad escape in bytea text at ${i}: ${JSON.stringify(text.slice(i, i + 4))}`,
        );
      }
      bytes.push(Number.parseInt(octal, 8));
      i += 3;
    } else if (code < 256) {
      bytes.push(code);
    } else {
      throw new TypeError("LargeBinary: bytea escape text holds a character above \\xff");
    }
  }
  return Uint8Array.from(bytes);
}

const largeBinary = new LargeBinaryType();
export const LargeBinary = (): LargeBinaryType => largeBinary;
export type { LargeBinaryType };
