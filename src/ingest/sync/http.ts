/**
 * GET a JSON document with retries: exponential backoff with jitter on HTTP 429, 5xx,
 * timeouts and network errors, honouring `Retry-After` (seconds or an HTTP date), a
 * timeout per request, and a clear error naming the URL and the last failure once the
 * retries are spent. Uses Node's global fetch; clock, sleep and randomness are
 * injectable so tests never wait.
 */
import { setTimeout as delay } from "node:timers/promises";

export interface HttpOptions {
  /** Retries after the first attempt (so maxRetries + 1 requests at most). */
  maxRetries: number;
  /** Backoff before retry n (0-based) is drawn from [cap/2, cap], cap = min(maxDelayMs, baseDelayMs·2ⁿ). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the request fails instead. */
  maxRetryAfterMs: number;
  /** Per attempt, from sending the request to the end of the body. */
  timeoutMs: number;
  fetch: typeof fetch;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  now: () => number;
  /** Called before each wait, so a caller can tell the user why it is waiting. */
  onRetry?: (e: RetryEvent) => void;
  /** Aborts the request and any wait (the user pressed Ctrl-C, say). */
  signal?: AbortSignal;
  userAgent: string;
}

export interface RetryEvent {
  url: string;
  /** 1 for the first retry. */
  retry: number;
  maxRetries: number;
  delayMs: number;
  reason: string;
  status?: number;
}

export const defaultHttpOptions: HttpOptions = {
  maxRetries: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  maxRetryAfterMs: 10 * 60_000,
  timeoutMs: 60_000,
  fetch: (input, init) => globalThis.fetch(input, init),
  sleep: async (ms, signal) => {
    await delay(ms, undefined, { signal });
  },
  random: Math.random,
  now: Date.now,
  userAgent: "eligo-sync (+https://clinicaltrials.gov/data-api)",
};

/** A request that failed for good. `status` is the last HTTP status, if one came back. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status: number | undefined,
    readonly attempts: number,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** The caller's signal fired: not a failure of the server. */
export class AbortedError extends Error {
  constructor(readonly url: string) {
    super(`request to ${url} was interrupted`);
    this.name = "AbortedError";
  }
}

/** Statuses worth another try: rate limiting and server-side failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status <= 599);
}

/**
 * Milliseconds to wait from a Retry-After header: delta-seconds ("120") or an HTTP date
 * ("Wed, 21 Oct 2015 07:28:00 GMT"), never negative. Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return undefined; // "-5", "1.5": not a valid Retry-After
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Backoff before retry `attempt` (0-based): exponential, capped, with equal jitter. */
export function backoffDelay(attempt: number, opts: Pick<HttpOptions, "baseDelayMs" | "maxDelayMs">, random: () => number): number {
  const cap = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

const snippet = (text: string) => {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > 300 ? `${t.slice(0, 300)}…` : t;
};

function networkReason(e: unknown): string {
  const err = e as Error & { cause?: Error & { code?: string } };
  const cause = err.cause;
  if (cause) return `network error: ${cause.code ? `${cause.code} ` : ""}${cause.message}`.trim();
  return `network error: ${err.message}`;
}

/** GETs url and parses its body as JSON, retrying as described above. */
export async function getJson(url: string, options: Partial<HttpOptions> = {}): Promise<unknown> {
  const o: HttpOptions = { ...defaultHttpOptions, ...options };
  let lastReason = "";
  let lastStatus: number | undefined;
  for (let attempt = 0; ; attempt++) {
    if (o.signal?.aborted) throw new AbortedError(url);
    const ctrl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctrl.abort();
    }, o.timeoutMs);
    const onAbort = () => ctrl.abort();
    o.signal?.addEventListener("abort", onAbort, { once: true });
    let retryAfterMs: number | undefined;
    try {
      const res = await o.fetch(url, {
        signal: ctrl.signal,
        headers: { accept: "application/json", "user-agent": o.userAgent },
      });
      if (res.ok) {
        const text = await res.text();
        try {
          return JSON.parse(text) as unknown;
        } catch (e) {
          throw new HttpError(
            `GET ${url}: the response is not JSON (${(e as Error).message}): ${snippet(text)}`,
            url,
            res.status,
            attempt + 1,
          );
        }
      }
      const body = await res.text().catch(() => "");
      lastStatus = res.status;
      const what = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}${body ? `: ${snippet(body)}` : ""}`;
      if (!isRetryableStatus(res.status)) {
        throw new HttpError(`GET ${url} failed: ${what}`, url, res.status, attempt + 1);
      }
      lastReason = what;
      retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), o.now());
    } catch (e) {
      if (e instanceof HttpError) throw e;
      if (o.signal?.aborted) throw new AbortedError(url);
      lastStatus = undefined;
      lastReason = timedOut ? `no complete response within ${o.timeoutMs} ms` : networkReason(e);
    } finally {
      clearTimeout(timer);
      o.signal?.removeEventListener("abort", onAbort);
    }

    const attempts = attempt + 1;
    if (attempt >= o.maxRetries) {
      throw new HttpError(
        `GET ${url} failed after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${lastReason}`,
        url,
        lastStatus,
        attempts,
      );
    }
    if (retryAfterMs !== undefined && retryAfterMs > o.maxRetryAfterMs) {
      throw new HttpError(
        `GET ${url} failed: ${lastReason}; the server asked to retry after ${Math.ceil(retryAfterMs / 1000)} s, ` +
          `longer than the ${Math.round(o.maxRetryAfterMs / 1000)} s this client waits`,
        url,
        lastStatus,
        attempts,
      );
    }
    const waitMs = retryAfterMs ?? backoffDelay(attempt, o, o.random);
    o.onRetry?.({ url, retry: attempt + 1, maxRetries: o.maxRetries, delayMs: waitMs, reason: lastReason, status: lastStatus });
    try {
      await o.sleep(waitMs, o.signal);
    } catch (e) {
      if (o.signal?.aborted) throw new AbortedError(url);
      throw e;
    }
  }
}
