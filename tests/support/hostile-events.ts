/**
 * Hostile requests to `POST /api/v1/events`, shared by the in-process integration test and the
 * Playwright spec that sends them over HTTP to the built app. Each must be answered with a 4xx and
 * store nothing. The secrets and markers in them must never show up in a log.
 */

export const HOSTILE_DATA_MARKER = 'hostile-event-data-7d1f3c';

/** Markers the end-to-end specs put into secrets, answers and passwords; the log check looks for them. */
export const LOGGED_NOWHERE = {
  webhookSecret: 'wh_log_check_secret_4c8e1a0b9d',
  receiverBody: 'receiver-answer-marker-51ab7e',
  wrongPassword: 'wrong-password-marker-9e2d4c',
};

export type HostileRequest = {
  name: string;
  /** The raw request body. */
  body: string;
  /** Extra headers; `authorization: ''` drops the service token. */
  headers?: Record<string, string>;
  /** The status the API must answer with. */
  status: 400 | 401 | 413 | 422;
};

type Ids = { organisationId: string; projectId: string };

const validData = {
  workflow_id: 'wf_001',
  document_id: 'doc_001',
  document_number: 'STR-DWG-ZA-0001',
  status: 'completed',
  outcome: 'approved',
  note: HOSTILE_DATA_MARKER,
};

function event(ids: Ids, overrides: Record<string, unknown> = {}) {
  return { event: 'workflow.completed', organisation_id: ids.organisationId, project_id: ids.projectId, data: validData, ...overrides };
}

/** `{"a":{"a":…}}` as text: building it as a value and stringifying it would overflow the stack. */
function nestedText(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function withData(ids: Ids, dataText: string): string {
  return JSON.stringify(event(ids, { data: '@DATA@' })).replace('"@DATA@"', dataText);
}

const hostileIds: [string, unknown][] = [
  ['a NUL byte alone', '\u0000'],
  ['a trailing NUL byte', 'org_demo\u0000'],
  ['a NUL byte inside', 'org\u0000demo'],
  ['a start-of-heading control character', 'org\u0001'],
  ['an ANSI escape sequence', 'org\u001b[31mred'],
  ['a line feed', 'org\nforged log line'],
  ['a carriage return and line feed', 'org\r\nX-Forged: 1'],
  ['a DEL character', 'org\u007f'],
  ['a lone high surrogate', 'org\ud800'],
  ['65 characters', 'o'.repeat(65)],
  ['an empty string', ''],
  ['a number', 12345],
  ['null', null],
  ['an array', ['org_demo']],
  ['an object', { $ne: '' }],
  ['a boolean', true],
];

const hostileTimestamps: [string, unknown][] = [
  ['year 0000', '0000-01-01T00:00:00Z'],
  ['year 9999 shifted past 10000 by its offset', '9999-12-31T23:59:59-23:59'],
  ['the last JavaScript date, year 275760', '+275760-09-13T00:00:00Z'],
  ['a negative year', '-000001-01-01T00:00:00Z'],
  ['year 10000', '10000-01-01T00:00:00Z'],
  ['year 0001 shifted before year 1 by its offset', '0001-01-01T00:00:00+00:01'],
  ['month 13', '2024-13-01T00:00:00Z'],
  ['hour 25', '2024-01-01T25:00:00Z'],
  ['a date without a time', '2024-01-01'],
  ['a time without an offset', '2024-01-01T00:00:00'],
  ['a word', 'now'],
  ['an empty string', ''],
  ['epoch seconds as a number', 1_700_000_000],
  ['a NUL byte inside', '2024-01-01T00:00:00\u0000Z'],
  ['an offset of 24 hours', '2024-01-01T00:00:00+24:00'],
  ['null', null],
];

/** The hostile requests, for an organisation and project that exist (so only the hostile part is wrong). */
export function hostileEventRequests(ids: Ids): HostileRequest[] {
  const cases: HostileRequest[] = [];
  for (const field of ['organisation_id', 'project_id'] as const) {
    for (const [label, value] of hostileIds) {
      cases.push({ name: `${field} with ${label}`, body: JSON.stringify(event(ids, { [field]: value })), status: 422 });
    }
  }
  for (const [label, value] of hostileTimestamps) {
    cases.push({ name: `timestamp: ${label}`, body: JSON.stringify(event(ids, { timestamp: value })), status: 422 });
  }

  const data: [string, string][] = [
    ['nested 65 levels deep', nestedText(65)],
    ['nested 1,000 levels deep', nestedText(1_000)],
    ['nested 100,000 levels deep', nestedText(100_000)],
    ['nested 100,000 arrays deep', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['a NUL byte in a string', JSON.stringify({ ...validData, document_number: 'STR\u0000' })],
    ['a NUL byte in a key', JSON.stringify({ ...validData, 'k\u0000': 1 })],
    ['a lone surrogate escape', JSON.stringify(validData).replace(`"${HOSTILE_DATA_MARKER}"`, '"\\ud800"')],
    ['200,001 values', JSON.stringify({ ...validData, many: new Array(200_001).fill(0) })],
    ['a string of a million and one characters', JSON.stringify({ ...validData, long: 'x'.repeat(1_000_001) })],
    ['null', 'null'],
    ['an array', '[]'],
    ['a string', '"data"'],
    ['a number', '42'],
    ['an id that is not one', JSON.stringify({ ...validData, workflow_id: 'wf_\u0000' })],
    ['a status the event does not have', JSON.stringify({ ...validData, status: 'deleted' })],
  ];
  for (const [label, text] of data) cases.push({ name: `data: ${label}`, body: withData(ids, text), status: 422 });

  const shapes: [string, string, HostileRequest['status']][] = [
    ['an empty body', '', 400],
    ['an unterminated object', '{', 400],
    ['a lone NUL byte', '\u0000', 400],
    ['a byte-order mark before the JSON', `\ufeff${JSON.stringify(event(ids))}`, 400],
    ['single-quoted JSON', "{'event':'workflow.completed'}", 400],
    ['NaN', 'NaN', 400],
    ['trailing garbage', `${JSON.stringify(event(ids))}}`, 400],
    ['two objects', `${JSON.stringify(event(ids))}${JSON.stringify(event(ids))}`, 400],
    ['null', 'null', 422],
    ['a string', '"workflow.completed"', 422],
    ['a number overflowing to Infinity', '1e999999', 422],
    ['an empty batch', '[]', 422],
    ['a batch of 1,001 events', JSON.stringify(new Array(1_001).fill(event(ids))), 422],
    ['a batch whose second event has a NUL organisation', JSON.stringify([event(ids), event(ids, { organisation_id: 'x\u0000' })]), 422],
    ['a batch whose second event is from year 0', JSON.stringify([event(ids), event(ids, { timestamp: '0000-01-01T00:00:00Z' })]), 422],
    ['a batch whose last event is nested 10,000 deep', withData(ids, nestedText(10_000)).replace(/^/, `[${JSON.stringify(event(ids))},`).concat(']'), 422],
    ['an unknown event type', JSON.stringify(event(ids, { event: 'workflow.deleted' })), 422],
    ['an event type with a NUL byte', JSON.stringify(event(ids, { event: 'workflow.completed\u0000' })), 422],
    ['an extra top-level key', JSON.stringify(event(ids, { extra: HOSTILE_DATA_MARKER })), 422],
    ['a prototype key', JSON.stringify(event(ids)).replace(/^\{/, '{"__proto__":{"isAdmin":true},'), 422],
    ['an unknown organisation', JSON.stringify(event(ids, { organisation_id: 'org_does_not_exist' })), 422],
  ];
  for (const [label, body, status] of shapes) cases.push({ name: `body: ${label}`, body, status });

  const valid = JSON.stringify(event(ids));
  const auth: [string, Record<string, string>][] = [
    ['no Authorization header', { authorization: '' }],
    ['a wrong token', { authorization: 'Bearer not-the-service-token-at-all-0000' }],
    ['an empty bearer token', { authorization: 'Bearer ' }],
    ['Basic authentication', { authorization: 'Basic a2F6aW5leDprYXppbmV4' }],
    ['the token scheme alone', { authorization: 'Bearer' }],
  ];
  for (const [label, headers] of auth) cases.push({ name: `auth: ${label}`, body: valid, headers, status: 401 });

  cases.push(
    { name: 'Idempotency-Key of 256 characters', body: valid, headers: { 'idempotency-key': 'k'.repeat(256) }, status: 422 },
    { name: 'a body over 10 MB', body: JSON.stringify(event(ids, { data: { ...validData, pad: 'x'.repeat(10 * 1024 * 1024) } })), status: 413 },
  );
  return cases;
}
