/**
 * The product's logger: one JSON object a line (level, time, msg and the ids involved), or
 * human-readable lines with LOG_FORMAT=pretty. Read by the web app, the worker and the launcher;
 * one logger per process, kept across Next's module reloads and bundles.
 *
 * Never log a secret, token, password, request or response body, endpoint URL or query string:
 * log ids instead. The `redact` list below is the safety net for a field that slips through.
 */
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'json' | 'pretty';

/** The ids a log line may carry; names as in the rest of the code. */
export type LogIds = {
  organisationId?: string;
  webhookId?: string;
  deliveryId?: string;
  eventId?: string;
  jobId?: string;
  attemptId?: string;
};

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function logFormat(): LogFormat {
  return process.env.LOG_FORMAT === 'pretty' ? 'pretty' : 'json';
}

function logLevel(): string {
  const level = process.env.LOG_LEVEL?.toLowerCase();
  return level && (LEVELS as readonly string[]).includes(level) ? level : 'info';
}

/** Field names that must never reach a log line, at the top level and one or two levels down. */
const SECRET_FIELDS = [
  'secret',
  'secrets',
  'password',
  'token',
  'authorization',
  'cookie',
  'body',
  'requestBody',
  'responseBody',
  'headers',
  'requestHeaders',
  'responseHeaders',
  'url',
  'requestUrl',
  'query',
  'params',
  'connectionString',
  'databaseUrl',
];
const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);

/**
 * Errors as type, message, code and stack, from the database driver's own error when a query
 * wrapper is in the way: drizzle's wrapper repeats the statement's parameters (request bodies,
 * sealed secrets) in its message, and pino's standard serializer would copy its every field.
 */
export function serializeError(err: unknown): Record<string, unknown> {
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  const source = cause instanceof Error ? cause : err;
  if (!(source instanceof Error)) return { message: String(source) };
  const code = (source as { code?: unknown }).code;
  const stackFrames = (source.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return {
    type: source.name,
    message: source.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(stackFrames.length > 0 ? { stack: stackFrames.map((l) => l.trim()).join('\n') } : {}),
  };
}

/** The error's own message, safe for a log line or a reply, with its code when it has one. */
export function describeError(err: unknown): string {
  const { message, code } = serializeError(err) as { message: string; code?: string };
  return code ? `${message} (${code})` : message;
}

/**
 * `redact: false` only for lines whose fields are a fixed set of ids, numbers and the product's own
 * messages (see `fixedFieldsLog`): the redaction pass walks every line's fields two levels deep
 * for each of its paths, and costs more than the rest of such a line.
 */
function createLogger({ redact }: { redact: boolean }): Logger {
  const format = logFormat();
  const options: pino.LoggerOptions = {
    level: logLevel(),
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(redact ? { redact: { paths: REDACT_PATHS, censor: '[redacted]' } } : {}),
    serializers: { err: serializeError, error: serializeError },
    // Every error line carries an error id, so a report ("it failed at 10:42") can be matched to it.
    mixin: (merge: object, level: number) => (level >= 50 && !('errorId' in merge) ? { errorId: newErrorId() } : {}),
  };
  if (format === 'pretty') {
    return pino(
      options,
      pretty({
        sync: true,
        colorize: Boolean(process.stdout.isTTY),
        translateTime: 'SYS:HH:MM:ss',
        ignore: 'pid,component',
        singleLine: true,
        messageFormat: '{if component}[{component}] {end}{msg}',
      }),
    );
  }
  return pino(
    { ...options, formatters: { level: (label) => ({ level: label }) } },
    pino.destination({ dest: 1, sync: true }),
  );
}

const globalForLog = globalThis as unknown as { kazinexLog?: Logger; kazinexFixedFieldsLog?: Logger };

/** The process's logger. Prefer a child with the component and ids: `log.child({ component: 'worker' })`. */
export const log: Logger = (globalForLog.kazinexLog ??= createLogger({ redact: true }));

/**
 * A logger for one part of the product's high-volume lines (a line per failed delivery attempt)
 * whose fields are built field by field from ids, numbers and the product's own messages, never
 * from an object passed through: it skips the redaction pass, the costliest part of such a line.
 * Anything else logs through `componentLog`.
 */
export function fixedFieldsLog(component: string): Logger {
  globalForLog.kazinexFixedFieldsLog ??= createLogger({ redact: false });
  return globalForLog.kazinexFixedFieldsLog.child({ component });
}

/** A logger for one part of the product (`web`, `worker`, `launcher`, …). */
export function componentLog(component: string, ids: LogIds = {}): Logger {
  return log.child({ component, ...ids });
}

/** A short id for one unexpected failure: logged with the error and given to the caller, so the two can be matched. */
export function newErrorId(): string {
  return `err_${randomBytes(6).toString('hex')}`;
}

/**
 * Logs an unexpected failure at error level with a fresh error id, and returns the id for the
 * reply (a 500's body, a job's failure message).
 */
export function logUnexpected(logger: Logger, err: unknown, msg: string, fields: LogIds & Record<string, unknown> = {}): string {
  const errorId = newErrorId();
  logger.error({ ...fields, errorId, err }, msg);
  return errorId;
}
