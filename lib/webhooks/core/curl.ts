/**
 * "Copy as cURL" on the attempt detail page: the recorded request as one POSIX shell command that
 * sends the same bytes again. Every value is single-quoted (a `'` inside becomes `'\''`), so no
 * header, URL or body can end the quoting, expand a variable or run a command. Headers curl sets
 * itself from the body (Content-Length) and hop-by-hop ones are left out.
 */

const OMITTED = new Set(['content-length', 'host', 'connection', 'transfer-encoding']);

/** One shell word that stands for exactly `value`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export type RecordedRequest = { url: string; headers: Record<string, string>; body: string };

/** The words of the command, unquoted: what the shell passes to curl. */
export function curlArgs(request: RecordedRequest): string[] {
  const args = ['--request', 'POST', '--url', request.url];
  for (const [name, value] of Object.entries(request.headers)) {
    if (OMITTED.has(name.toLowerCase())) continue;
    args.push('--header', `${name}: ${value}`);
  }
  args.push('--data-raw', request.body);
  return args;
}

/** The command line, one option per line joined by `\` continuations. */
export function curlCommand(request: RecordedRequest): string {
  const args = curlArgs(request);
  const lines = ['curl'];
  // Options are the fixed names above; only their values come from the recorded request.
  for (let i = 0; i < args.length; i += 2) lines.push(`  ${args[i]} ${shellQuote(args[i + 1]!)}`);
  return lines.join(' \\\n');
}
