/**
 * The body receivers get (SPEC §3): exactly five top-level keys in this order. It is serialized
 * once when the event is stored; every attempt re-sends those bytes, so signatures stay valid.
 */
export type EventEnvelope = {
  type: string;
  occurredAt: Date;
  organisationId: string;
  projectId: string;
  data: unknown;
};

/** ISO-8601 UTC with seconds precision and a `Z` suffix, e.g. `2024-03-15T10:30:00Z`. */
export function formatEventTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Drops the milliseconds, so the stored time equals the one in the body. */
export function toWholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

export function buildEventBody(envelope: EventEnvelope): string {
  return JSON.stringify({
    event: envelope.type,
    timestamp: formatEventTimestamp(envelope.occurredAt),
    organisation_id: envelope.organisationId,
    project_id: envelope.projectId,
    data: envelope.data,
  });
}
