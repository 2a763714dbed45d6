/**
 * Next prints errors that escape a page, action or route with `console.error(err)`, and a failed
 * query's message holds the query with every parameter. In the server process those errors go
 * through the one error path instead (lib/errors.ts): a JSON line with an error id, codes, frames
 * and Next's digest (the id the error page shows), never the message.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { reportUnexpected } = await import('@/lib/errors');
  const print = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    const errors = args.filter((arg): arg is Error => arg instanceof Error);
    if (errors.length === 0) return print(...args);
    for (const err of errors) reportUnexpected(err, { route: 'next' });
  };
}
