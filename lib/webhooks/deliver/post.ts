import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { OriginSlots } from './origin-slots';
import { AddressRefusedError, pinnedLookup } from './pinned-lookup';
import { describeRequestError, isStaleSocketError } from './request-errors';
import { bareHost, isBlockedAddress, type Resolver } from '@/lib/webhooks/core/url-guard';

/** Stored per attempt: at most this much of the response body (SPEC §3). */
export const RESPONSE_BODY_LIMIT = 64 * 1024;

export type PostRequest = {
  url: URL;
  headers: Record<string, string>;
  /** A string body goes out in the same write as the headers (a Buffer would take a second one). */
  body: string | Buffer;
  /** Limit for the whole exchange: connecting, TLS, the response headers and body. */
  timeoutMs: number;
  /** `performance.now()` when the attempt began, if earlier work (vetting the host) counts against the limit. */
  startedAt?: number;
  /**
   * `WEBHOOKS_ALLOW_PRIVATE_URLS`. Otherwise the connection goes only to an address vetted as public:
   * the host is resolved and vetted in the socket's own lookup (pinnedLookup), so the address checked
   * is the address connected to, and an IP literal is vetted before any socket opens.
   */
  allowPrivate: boolean;
  resolver?: Resolver;
};

export type PostResult = {
  /** A 2xx status received in time. */
  success: boolean;
  status: number | null;
  headers: Record<string, string> | null;
  body: string | null;
  bodyTruncated: boolean;
  durationMs: number;
  error: string | null;
  /** The time limit ended the exchange. */
  timedOut: boolean;
};

// Keep-alive pools per origin; LIFO reuse lets surplus idle sockets expire instead of going stale.
// The agent never queues a request: the cap per origin is `originSlots`'.
const agentOptions = { keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' as const };
const httpAgent = new http.Agent(agentOptions);
const httpsAgent = new https.Agent(agentOptions);

/** Requests in flight to one origin at most, from this process. */
export const MAX_REQUESTS_PER_ORIGIN = 256;
const originSlots = new OriginSlots(MAX_REQUESTS_PER_ORIGIN);

type Phase = 'queued' | 'connect' | 'response' | 'body';
const PHASE_TEXT: Record<Phase, string> = {
  // Requests beyond MAX_REQUESTS_PER_ORIGIN to one origin wait their turn; that wait counts against the limit too.
  queued: 'waiting for a free connection to the endpoint',
  connect: 'while connecting to the endpoint',
  response: 'waiting for the response',
  body: 'while receiving the response body',
};

const systemLookups = { private: pinnedLookup({ allowPrivate: true }), public: pinnedLookup({ allowPrivate: false }) };

function lookupFor(req: PostRequest): LookupFunction {
  if (req.resolver) return pinnedLookup({ allowPrivate: req.allowPrivate, resolver: req.resolver });
  return req.allowPrivate ? systemLookups.private : systemLookups.public;
}

/** Header values as strings; repeated headers joined the way HTTP allows. NULs cannot be stored, so they go. */
function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = (Array.isArray(value) ? value.join(', ') : value).replaceAll('\0', '');
  }
  return out;
}

const decodeBody = (chunks: Buffer[]) => Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString('utf8').replaceAll('\0', '\uFFFD');

/**
 * POSTs one webhook request and reports what happened. Never throws and never follows a redirect:
 * every outcome, including timeouts and connection errors, is a result with a readable error.
 */
export function postWebhook(req: PostRequest): Promise<PostResult> {
  return new Promise((resolve) => {
    const started = req.startedAt ?? performance.now();
    const host = bareHost(req.url);
    const isHttps = req.url.protocol === 'https:';
    let phase: Phase = 'queued';
    let settled = false;
    let current: http.ClientRequest | undefined;
    let leaveOrigin: (() => void) | undefined;
    let response: { status: number; headers: Record<string, string>; chunks: Buffer[] } | undefined;

    const finish = (outcome: Pick<PostResult, 'success' | 'error'> & { truncated?: boolean; timedOut?: boolean }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      leaveOrigin?.();
      resolve({
        success: outcome.success,
        status: response?.status ?? null,
        headers: response?.headers ?? null,
        body: response ? decodeBody(response.chunks) : null,
        bodyTruncated: outcome.truncated ?? false,
        durationMs: Math.round(performance.now() - started),
        error: outcome.error,
        timedOut: outcome.timedOut ?? false,
      });
    };

    const timer = setTimeout(() => {
      finish({ success: false, error: `Timed out after ${req.timeoutMs} ms ${PHASE_TEXT[phase]}`, timedOut: true });
      current?.destroy();
    }, Math.max(0, req.timeoutMs - (performance.now() - started)));

    const onResponse = (res: http.IncomingMessage) => {
      phase = 'body';
      const status = res.statusCode ?? 0;
      response = { status, headers: flattenHeaders(res.headers), chunks: [] };
      const chunks = response.chunks;
      let size = 0;
      const complete = (truncated: boolean) => {
        if (status >= 200 && status < 300) return finish({ success: true, error: null, truncated });
        const location = res.headers.location ? ` (Location: ${res.headers.location})` : '';
        const error = status >= 300 && status < 400 ? `Redirect ${status} not followed${location}` : null;
        finish({ success: false, error, truncated });
      };
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        if (size < RESPONSE_BODY_LIMIT) chunks.push(chunk.subarray(0, RESPONSE_BODY_LIMIT - size));
        size += chunk.length;
        if (size > RESPONSE_BODY_LIMIT) {
          complete(true);
          res.destroy(); // the rest is not stored, so it is not worth waiting for
        }
      });
      res.on('end', () => complete(false));
      res.on('error', () => finish({ success: false, error: 'The connection closed before the response body was complete' }));
      res.on('close', () => finish({ success: false, error: 'The connection closed before the response body was complete' }));
    };

    const send = (mayRetryStaleSocket: boolean) => {
      let request: http.ClientRequest;
      try {
        request = (isHttps ? https : http).request({
          protocol: req.url.protocol,
          hostname: host,
          port: req.url.port || undefined,
          path: `${req.url.pathname}${req.url.search}`,
          method: 'POST',
          headers: { ...req.headers, 'Content-Length': String(Buffer.byteLength(req.body)) },
          agent: isHttps ? httpsAgent : httpAgent,
          lookup: lookupFor(req),
        });
      } catch (err) {
        finish({ success: false, error: describeRequestError(err, host) });
        return;
      }
      current = request;
      request.on('socket', (socket) => {
        if (!socket.connecting) {
          phase = 'response';
          return;
        }
        phase = 'connect';
        socket.once(isHttps ? 'secureConnect' : 'connect', () => {
          if (phase === 'connect') phase = 'response';
        });
      });
      request.on('response', onResponse);
      request.on('error', (err) => {
        if (settled) return;
        // A pooled socket the server closed while idle: one fresh connection, still within the same limit.
        if (mayRetryStaleSocket && request.reusedSocket && !response && isStaleSocketError(err)) return send(false);
        finish({ success: false, error: describeRequestError(err, host) });
      });
      request.end(req.body);
    };

    // Node connects to an IP literal without calling lookup, so a literal is vetted here.
    if (isIP(host) && !req.allowPrivate && isBlockedAddress(host)) {
      finish({ success: false, error: describeRequestError(new AddressRefusedError(host, host), host) });
      return;
    }
    leaveOrigin = originSlots.enter(`${req.url.protocol}//${host}:${req.url.port}`, () => send(true));
    // Refused before connecting (send failed at once): the slot is not kept.
    if (settled) leaveOrigin();
  });
}
