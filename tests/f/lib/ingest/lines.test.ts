// The line splitter on the edge cases of real downloads: lines cut across
// chunks (also inside a multi-byte character), no final newline, empty lines,
// very long lines, invalid UTF-8 pinned to its line, early stop.
import { describe, expect, it } from "vitest";
import { readLines, type Line } from "../../../../f/lib/ingest/lines.ts";

const enc = new TextEncoder();

/** A stream that delivers `bytes` in chunks of the given sizes (cycled). */
function chunked(bytes: Uint8Array, sizes: number[]): ReadableStream<Uint8Array> {
  let at = 0;
  let k = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      const size = sizes[k++ % sizes.length]!;
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Line[]> {
  const out: Line[] = [];
  for await (const line of readLines(stream)) out.push(line);
  return out;
}

describe("readLines", () => {
  it("numbers lines from 1, yields empty lines as such, and keeps a last line without newline", async () => {
    const lines = await collect(chunked(enc.encode('{"a":1}\n\n{"b":2}\n\n\n{"c":3}'), [5]));
    expect(lines).toEqual([
      { kind: "text", number: 1, text: '{"a":1}' },
      { kind: "empty", number: 2 },
      { kind: "text", number: 3, text: '{"b":2}' },
      { kind: "empty", number: 4 },
      { kind: "empty", number: 5 },
      { kind: "text", number: 6, text: '{"c":3}' },
    ]);
  });

  it("gives the same lines whatever the chunking, including cuts inside multi-byte characters", async () => {
    const text = Array.from({ length: 40 }, (_, i) => JSON.stringify({ i, s: "é€😀 ü".repeat(i % 5) })).join("\n") + "\n";
    const bytes = enc.encode(text);
    const expected = text.split("\n").slice(0, -1);
    for (const sizes of [[1], [2, 3], [7], [64], [bytes.length]]) {
      const lines = await collect(chunked(bytes, sizes));
      expect(lines.map((l) => (l.kind === "text" ? l.text : l.kind))).toEqual(expected);
      expect(lines.at(-1)!.number).toBe(40);
    }
  });

  it("a trailing newline does not make an extra line; an empty stream has none", async () => {
    expect((await collect(chunked(enc.encode("x\n"), [1]))).length).toBe(1);
    expect(await collect(chunked(new Uint8Array(0), [1]))).toEqual([]);
    expect(await collect(chunked(enc.encode("\n"), [1]))).toEqual([{ kind: "empty", number: 1 }]);
  });

  it("handles a line far longer than any chunk", async () => {
    const long = "x".repeat(3_000_000);
    const lines = await collect(chunked(enc.encode(`a\n${long}\nb`), [65_536]));
    expect(lines.map((l) => l.number)).toEqual([1, 2, 3]);
    expect(lines[1]).toMatchObject({ kind: "text" });
    expect((lines[1] as { text: string }).text.length).toBe(3_000_000);
  });

  it("pins invalid UTF-8 to its line, with a lossy text, and goes on", async () => {
    const bytes = new Uint8Array([...enc.encode('{"ok":1}\n{"bad":"'), 0xff, 0xfe, 0xc3, 0x28, ...enc.encode('"}\n{"ok":2}\n')]);
    const lines = await collect(chunked(bytes, [3]));
    expect(lines.map((l) => l.kind)).toEqual(["text", "invalid_utf8", "text"]);
    expect(lines[1]).toMatchObject({ number: 2, text: expect.stringContaining("\uFFFD") });
    expect((lines[1] as { message: string }).message).toMatch(/line 2 is not valid UTF-8/);
    expect(lines[2]).toEqual({ kind: "text", number: 3, text: '{"ok":2}' });
  });

  it("a character cut by a chunk boundary is not mistaken for invalid UTF-8", async () => {
    const bytes = enc.encode("€€€\n");
    for (let cut = 1; cut < bytes.length; cut++) {
      const lines = await collect(chunked(bytes, [cut]));
      expect(lines).toEqual([{ kind: "text", number: 1, text: "€€€" }]);
    }
  });

  it("cancels the source when the consumer stops early", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(enc.encode("line\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    let seen = 0;
    for await (const _ of readLines(stream)) if (++seen === 3) break;
    expect(cancelled).toBe(true);
  });

  it("surfaces an error of the source", async () => {
    let sent = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(enc.encode("a\nb"));
        } else controller.error(new Error("connection reset"));
      },
    });
    await expect(collect(stream)).rejects.toThrow("connection reset");
  });
});
