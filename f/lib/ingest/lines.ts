// A byte stream -> numbered lines, split on '\n' at the byte level so a
// multi-byte character can never be cut, and decoded one line at a time with
// a fatal UTF-8 decoder so bad bytes are pinned to their line (the rest of the
// file still parses). Memory: the current chunk plus the line being built.

export type Line =
  | { kind: "text"; number: number; text: string }
  /** `text` is a lossy decode (U+FFFD for the bad bytes), good enough to store as a dead letter. */
  | { kind: "invalid_utf8"; number: number; text: string; message: string }
  | { kind: "empty"; number: number };

const NEWLINE = 0x0a;

/** Lines of `body`, numbered from 1. Empty lines are yielded (and numbered) so callers can count them. */
export async function* readLines(body: ReadableStream<Uint8Array>): AsyncGenerator<Line> {
  const strict = new TextDecoder("utf-8", { fatal: true });
  const lossy = new TextDecoder("utf-8");
  const decode = (number: number, bytes: Uint8Array): Line => {
    if (bytes.length === 0) return { kind: "empty", number };
    try {
      return { kind: "text", number, text: strict.decode(bytes) };
    } catch (error) {
      return { kind: "invalid_utf8", number, text: lossy.decode(bytes), message: `line ${number} is not valid UTF-8 (${(error as Error).message})` };
    }
  };

  const reader = body.getReader();
  let finished = false;
  // A line that spans chunks: its pieces so far (a very long line grows this, nothing else).
  let pieces: Uint8Array[] = [];
  let pieceBytes = 0;
  let number = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      let start = 0;
      for (let nl = value.indexOf(NEWLINE); nl !== -1; nl = value.indexOf(NEWLINE, start)) {
        let bytes = value.subarray(start, nl);
        if (pieces.length) {
          bytes = concat([...pieces, bytes], pieceBytes + bytes.length);
          pieces = [];
          pieceBytes = 0;
        }
        start = nl + 1;
        yield decode(++number, bytes);
      }
      if (start < value.length) {
        pieces.push(value.subarray(start));
        pieceBytes += value.length - start;
      }
    }
    finished = true;
    // The last line may lack its newline.
    if (pieceBytes > 0) yield decode(++number, concat(pieces, pieceBytes));
  } finally {
    // The consumer stopped early (or failed): let the source know.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
