import net from "node:net";
import { describe, expect, test } from "vitest";
import { formatArrayText, parseArrayText } from "../src/postgresjs/array-text.ts";
import { sendCancelRequest } from "../src/postgresjs/cancel-request.ts";
import { SocketGuard } from "../src/postgresjs/socket-guard.ts";
import { parseBytea, toDriverParameter } from "../src/postgresjs/value-types.ts";

/** The postgres.js adapter's pieces that need no server. */

describe("array text", () => {
  test("parses PostgreSQL's array output: NULL, quoting, escapes, nesting, bounds", () => {
    expect(parseArrayText("{1,NULL,3}", Number)).toEqual([1, null, 3]);
    expect(parseArrayText('{"NULL",NULL,"a \\"b\\" \\\\c","",x}', undefined)).toEqual([
      "NULL",
      null,
      'a "b" \\c',
      "",
      "x",
    ]);
    expect(parseArrayText("{{1,2},{3,4}}", Number)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(parseArrayText("{}", Number)).toEqual([]);
    expect(parseArrayText("[0:1]={7,8}", Number)).toEqual([7, 8]);
    expect(parseArrayText("[1:1][1:2]={{7,8}}", Number)).toEqual([[7, 8]]);
    expect(parseArrayText("{(1,1),(0,0);(2,2),(1,1)}", undefined, ";".charCodeAt(0))).toEqual([
      "(1,1),(0,0)",
      "(2,2),(1,1)",
    ]);
  });

  test.each(["", "1,2", "{1,2", "{1,,2}", '{"a}', "{1}x", "{{1},2", '{"a"b}'])(
    "refuses malformed %j",
    (text) => {
      expect(() => parseArrayText(text, undefined)).toThrow(/malformed array text from the server/);
    },
  );

  test("formats JS arrays with every element quoted", () => {
    expect(formatArrayText([1, null, "NULL", 'q"\\', [2, undefined]], String)).toBe(
      '{"1",NULL,"NULL","q\\"\\\\",{"2",NULL}}',
    );
    expect(formatArrayText([], String)).toBe("{}");
    expect(parseArrayText(formatArrayText(["a,b", "{", " x ", ""], String), undefined)).toEqual([
      "a,b",
      "{",
      " x ",
      "",
    ]);
  });
});

describe("parameters", () => {
  test("text for what PostgreSQL reads as text; booleans and bytes stay typed; undefined is NULL", () => {
    const bytes = new Uint8Array([1, 255]);
    expect(toDriverParameter("x")).toBe("x");
    expect(toDriverParameter(1.5)).toBe(1.5);
    expect(toDriverParameter(true)).toBe(true);
    expect(toDriverParameter(null)).toBe(null);
    expect(toDriverParameter(undefined)).toBe(null);
    expect(toDriverParameter(bytes)).toBe(bytes);
    expect(toDriverParameter(-9223372036854775808n)).toBe("-9223372036854775808");
    expect(toDriverParameter(new Date("2024-01-31T12:00:00.5Z"))).toBe("2024-01-31T12:00:00.500Z");
    expect(toDriverParameter({ a: [1, "é"] })).toBe('{"a":[1,"é"]}');
    expect(
      toDriverParameter([true, false, null, 2n, new Date(0), { k: 1 }, new Uint8Array([10]), ["n"], "s"]),
    ).toBe('{"t","f",NULL,"2","1970-01-01T00:00:00.000Z","{\\"k\\":1}","\\\\x0a",{"n"},"s"}');
  });

  test("functions, symbols and invalid Dates are refused", () => {
    expect(() => toDriverParameter(() => 1)).toThrow("cannot send a function as a query parameter");
    expect(() => toDriverParameter(Symbol("s"))).toThrow("cannot send a symbol as a query parameter");
    expect(() => toDriverParameter([Symbol("s")])).toThrow(TypeError);
    expect(() => toDriverParameter(new Date(Number.NaN))).toThrow(RangeError);
  });

  test("bytea text in both output formats", () => {
    expect(parseBytea("\\x00ff")).toEqual(Buffer.from([0, 255]));
    expect(parseBytea("a\\000\\\\\\377")).toEqual(Buffer.from([97, 0, 92, 255]));
    expect(parseBytea("")).toEqual(Buffer.alloc(0));
  });
});

describe("sockets", () => {
  test("the guard makes one socket and refuses every later one", async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const guard = new SocketGuard(undefined);
      const socket = await guard.factory({ host: ["127.0.0.1"], port: [port] });
      expect(guard.socket).toBe(socket);
      expect(guard.target).toEqual({ host: "127.0.0.1", port });
      expect(() => guard.factory({ host: ["127.0.0.1"], port: [port] })).toThrow(
        "postgres.js tried to open a second connection",
      );
      guard.destroy();
      expect(socket.destroyed).toBe(true);
    } finally {
      server.close();
    }
  });

  test("a cancel request sends the 16-byte CancelRequest and resolves when the server hangs up", async () => {
    let received: Buffer | undefined;
    const server = net.createServer((socket) => {
      socket.once("data", (data) => {
        received = data;
        socket.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      await sendCancelRequest({ host: "127.0.0.1", port }, { pid: 4242, secret: 0xfedcba98 }, 5000);
      expect(received).toEqual(
        Buffer.from([0, 0, 0, 16, 0x04, 0xd2, 0x16, 0x2e, 0, 0, 0x10, 0x92, 0xfe, 0xdc, 0xba, 0x98]),
      );
    } finally {
      server.close();
    }
  });

  test("a cancel request rejects when nothing listens, and times out when nobody answers", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port: closedPort } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      sendCancelRequest({ host: "127.0.0.1", port: closedPort }, { pid: 1, secret: 1 }, 5000),
    ).rejects.toMatchObject({ code: "ECONNREFUSED" });

    const accepted: net.Socket[] = [];
    const silent = net.createServer((socket) => accepted.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      await expect(sendCancelRequest({ host: "127.0.0.1", port }, { pid: 1, secret: 1 }, 50)).rejects.toThrow(
        "the cancel request timed out",
      );
    } finally {
      for (const socket of accepted) socket.destroy();
      silent.close();
    }
  });
});
