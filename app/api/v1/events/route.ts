/**
 * `POST /api/v1/events` for other Kazinex services (SPEC §5): one event or an array of up to 1,000,
 * stored in one transaction. 202 with the event ids, 401 without the service token, 422 with the
 * issues when anything is wrong (then nothing is stored). An `Idempotency-Key` makes a repeat
 * return the first answer and store nothing new.
 */
import { getDb } from '@/db/client';
import { hasServiceToken } from '@/lib/api/service-token';
import { env } from '@/lib/env';
import { componentLog } from '@/lib/observability/log';
import { countPublished } from '@/lib/observability/metrics';
import { apiBatchSchema, apiEventSchema, toPublishInput } from '@/lib/webhooks/publish/events-api';
import { claimIdempotencyKey, findIdempotentAnswer, requestHash, type StoredAnswer } from '@/lib/webhooks/publish/idempotency';
import { publishEvents, type PublishIssue } from '@/lib/webhooks/publish/publish';
import { reportUnexpected, unexpectedMessage } from '@/lib/errors';
import { jsonProblem, readBodyWithin, unsafeStringReason } from '@/lib/validation';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const MAX_KEY_LENGTH = 255;
/** 1,000 events of about 10 KB each; anything larger is refused before it is parsed. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => Response.json(body, { status, headers });

const invalid = (issues: readonly PublishIssue[] | readonly unknown[]) =>
  json(422, { error: 'invalid_events', message: 'Nothing was stored: fix the issues and send the request again.', issues });

/** A repeated key answers as the first request did, unless it came with a different body. */
function replay(stored: StoredAnswer & { requestHash: string }, hash: string): Response {
  if (stored.requestHash !== hash) {
    return invalid([{ code: 'custom', path: ['Idempotency-Key'], message: 'This Idempotency-Key was already used for a different request' }]);
  }
  return json(stored.status, stored.body, { 'Idempotent-Replayed': 'true' });
}

class KeyAlreadyClaimed extends Error {}

const logger = componentLog('web').child({ route: 'POST /api/v1/events' });
/** Deeper than any event's `data` needs, far shallower than what overflows JSON.stringify's stack. */
const MAX_JSON_DEPTH = 64;

export async function POST(request: Request): Promise<Response> {
  try {
    return await publish(request);
  } catch (err) {
    const errorId = reportUnexpected(err, { route: 'POST /api/v1/events' });
    return json(500, { error: 'internal_error', message: unexpectedMessage(errorId), error_id: errorId });
  }
}

async function publish(request: Request): Promise<Response> {
  if (!hasServiceToken(request.headers.get('authorization'), env().KAZINEX_SERVICE_TOKEN)) {
    return json(401, { error: 'unauthorized', message: 'Send Authorization: Bearer <KAZINEX_SERVICE_TOKEN>.' }, { 'WWW-Authenticate': 'Bearer' });
  }
  const tooLarge = () => json(413, { error: 'payload_too_large', message: `The request body can be at most ${MAX_BODY_BYTES} bytes.` });
  const read = await readBodyWithin(request, MAX_BODY_BYTES);
  if (!read.ok) return tooLarge();
  const raw = read.text;
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return json(400, { error: 'invalid_json', message: 'The request body is not valid JSON.' });
  }
  const problem = jsonProblem(body, { maxDepth: MAX_JSON_DEPTH, maxKeys: 200_000 });
  if (problem) return invalid([{ code: 'custom', path: problem.path, message: `This value ${problem.message}` }]);

  const key = request.headers.get('idempotency-key')?.trim() || undefined;
  if (key !== undefined && key.length > MAX_KEY_LENGTH) {
    return invalid([{ code: 'too_big', path: ['Idempotency-Key'], message: `Use at most ${MAX_KEY_LENGTH} characters` }]);
  }
  const keyProblem = key === undefined ? null : unsafeStringReason(key);
  if (keyProblem) return invalid([{ code: 'custom', path: ['Idempotency-Key'], message: `The Idempotency-Key ${keyProblem}` }]);
  const hash = requestHash(raw);
  if (key) {
    const stored = await findIdempotentAnswer(key);
    if (stored) return replay(stored, hash);
  }

  // Parsed by the shape sent, so an issue is reported against that shape rather than as a union mismatch.
  const isBatch = Array.isArray(body);
  const parsed = isBatch ? apiBatchSchema.safeParse(body) : apiEventSchema.safeParse(body);
  if (!parsed.success) return invalid(parsed.error.issues);
  const events = (Array.isArray(parsed.data) ? parsed.data : [parsed.data]).map(toPublishInput);

  try {
    const result = await getDb().transaction(async (tx) => {
      const published = await publishEvents(events, { tx, indexIssues: isBatch });
      if (published.ok && key) {
        const answer: StoredAnswer = { status: 202, body: { ids: published.events.map((e) => e.id) } };
        if (!(await claimIdempotencyKey(tx, key, hash, answer))) throw new KeyAlreadyClaimed();
      }
      return published;
    });
    if (!result.ok) return invalid(result.issues);
    countPublished(events.map((e) => e.type));
    const organisationIds = [...new Set(events.map((e) => e.organisationId))];
    logger.info({ events: events.length, organisationId: organisationIds.length === 1 ? organisationIds[0] : undefined, eventIds: result.events.slice(0, 25).map((e) => e.id) }, 'events published');
    return json(202, { ids: result.events.map((e) => e.id) });
  } catch (err) {
    // A concurrent request with the same key committed first: this one's events were rolled back.
    if (err instanceof KeyAlreadyClaimed && key) {
      const stored = await findIdempotentAnswer(key);
      if (stored) return replay(stored, hash);
    }
    const errorId = reportUnexpected(err, { route: 'POST /api/v1/events' });
    return json(500, { error: 'internal_error', message: `Nothing was stored; send the request again. ${unexpectedMessage(errorId)}`, error_id: errorId });
  }
}
