import { randomUUID } from 'node:crypto';

/**
 * The one path for failures nobody expected, in server actions and route handlers: the client gets
 * a generic message with an error id, the log gets one JSON line with the same id.
 *
 * The line carries the error's class, codes and stack frames, never its message: drizzle's message
 * holds the whole query with its parameters (event data, URLs, sealed secrets), PostgreSQL's quotes
 * the offending value, and JSON.parse's quotes the input. Frames and codes locate the fault without them.
 */

export type ErrorContext = { action?: string; route?: string };

type Inspectable = { name?: unknown; code?: unknown; digest?: unknown; routine?: unknown; constraint_name?: unknown; stack?: unknown; cause?: unknown };

/** Only identifier-like values are logged: anything else could carry input. */
const identifier = (value: unknown): string | undefined =>
  typeof value === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(value) ? value : undefined;

/** The "at …" lines of a stack, without the first line (which repeats the message). */
function frames(stack: unknown): string[] | undefined {
  if (typeof stack !== 'string') return undefined;
  const lines = stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 12)
    .map((line) => line.trim().replace(/[^\x20-\x7E]/g, '?').slice(0, 300));
  return lines.length > 0 ? lines : undefined;
}

function describe(err: unknown, depth = 0): Record<string, unknown> {
  if (typeof err !== 'object' || err === null) return { type: typeof err };
  const e = err as Inspectable;
  return {
    name: identifier((err as object).constructor?.name) ?? identifier(e.name), // the class says more than `name`, which drizzle leaves as Error
    code: identifier(e.code),
    digest: identifier(e.digest),
    routine: identifier(e.routine),
    constraint: identifier(e.constraint_name),
    frames: frames(e.stack),
    cause: e.cause !== undefined && depth < 2 ? describe(e.cause, depth + 1) : undefined,
  };
}

/** Logs an unexpected failure without its message or parameters and returns the id to show the client. */
export function reportUnexpected(err: unknown, context: ErrorContext): string {
  const errorId = randomUUID();
  const line = {
    level: 'error',
    time: new Date().toISOString(),
    msg: 'unexpected failure',
    errorId,
    action: identifier(context.action),
    route: context.route?.replace(/[^\x20-\x7E]/g, '?').slice(0, 200),
    error: describe(err),
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
  return errorId;
}

/** The sentence a client reads when something unexpected failed. */
export function unexpectedMessage(errorId: string): string {
  return `Something went wrong on our side. If it happens again, quote error id ${errorId}.`;
}
