// Downloading a bulk result: a plain GET of the signed URL (no Shopify header).
// The body is handed on as a stream (never held in memory); this module only
// watches it, so the caller can tell a broken download (fetch again) from a
// failure of whoever consumes the stream.
import { BulkDownloadError, BulkResultExpiredError } from "./errors.ts";

export interface ResultDownload {
  body: ReadableStream<Uint8Array>;
  /** Bytes announced by Content-Length, when given. */
  expectedBytes: number | null;
  /** Set once the body broke (network error or fewer bytes than announced). */
  failure(): BulkDownloadError | undefined;
  bytesRead(): number;
}

export async function openResult(url: string, opts: { fetch?: typeof fetch; timeoutMs?: number } = {}): Promise<ResultDownload> {
  const fetchImpl = opts.fetch ?? fetch;
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 30 * 60_000) });
  } catch (e) {
    throw new BulkDownloadError(`bulk result download failed to connect: ${(e as Error).message}`);
  }
  // An expired (or re-signed) URL answers 403 ExpiredToken; a lapsed object 404.
  if (response.status === 403 || response.status === 404) {
    await response.body?.cancel();
    throw new BulkResultExpiredError(`bulk result URL answered HTTP ${response.status} (expired): the job must run again`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new BulkDownloadError(`bulk result download answered HTTP ${response.status}`, response.status);
  }
  const length = response.headers.get("content-length");
  const expectedBytes = length === null ? null : Number(length);
  let failure: BulkDownloadError | undefined;
  let read = 0;
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await reader.read();
        if (done) {
          if (expectedBytes !== null && read < expectedBytes) throw new Error(`body ended after ${read} of ${expectedBytes} bytes`);
          return controller.close();
        }
        read += value.byteLength;
        controller.enqueue(value);
      } catch (e) {
        failure = new BulkDownloadError(`bulk result download broke after ${read} bytes: ${(e as Error).message}`);
        controller.error(failure);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { body, expectedBytes, failure: () => failure, bytesRead: () => read };
}
