// Shopify's clock, read from the Date header of its responses. Windows end at
// "Shopify's now - skew" because the updated_at filter is evaluated against
// Shopify's timestamps; when no Date header was seen, our own clock stands in
// (in production both are NTP-synced, the skew covers the difference).

export function dateRecordingFetch(base: typeof fetch = fetch): { fetch: typeof fetch; serverNow(): number } {
  let offsetMs: number | null = null;
  const recording = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const response = await base(input, init);
    const header = response.headers.get("date");
    const at = header ? Date.parse(header) : NaN;
    if (Number.isFinite(at)) offsetMs = at - Date.now();
    return response;
  }) as typeof fetch;
  return { fetch: recording, serverNow: () => Date.now() + (offsetMs ?? 0) };
}
