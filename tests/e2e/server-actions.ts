import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIRequestContext } from '@playwright/test';

/**
 * Calls a server action of the built app the way the browser does: a POST with the action's id in
 * `Next-Action` and its arguments in React's reply encoding, under the caller's session cookie. Next
 * then runs it through the same decoding, auth wrapper and validation as a click in the UI would;
 * nothing is mocked. Ids come from the build's server-reference manifest, by exported name.
 */

type Manifest = { node: Record<string, { exportedName: string; filename: string }> };

let manifest: Manifest | undefined;

export function actionId(exportedName: string): string {
  manifest ??= JSON.parse(readFileSync(path.join(process.cwd(), '.next', 'server', 'server-reference-manifest.json'), 'utf8')) as Manifest;
  const found = Object.entries(manifest.node).filter(([, entry]) => entry.exportedName === exportedName);
  if (found.length !== 1) throw new Error(`Expected one server action named ${exportedName}, found ${found.length}`);
  return found[0]![0];
}

/** React's reply encoding: a string that starts with `$` is escaped by doubling it. */
function encodeReply(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' && v.startsWith('$') ? `$${v}` : v));
}

export type ActionAnswer = { status: number; result: unknown; raw: string };

/** `rawBody` sends the encoded arguments as given, for inputs that play with the encoding itself. */
export async function callAction(request: APIRequestContext, baseURL: string, exportedName: string, input: unknown, rawBody?: string): Promise<ActionAnswer> {
  const response = await request.post('/settings/webhooks', {
    headers: { 'Next-Action': actionId(exportedName), 'Content-Type': 'text/plain;charset=UTF-8', Accept: 'text/x-component', Origin: baseURL },
    data: rawBody ?? encodeReply([input]),
  });
  const raw = await response.text();
  const line = raw.split('\n').find((l) => l.startsWith('1:'));
  let result: unknown;
  try {
    result = line && !line.startsWith('1:E') ? JSON.parse(line.slice(2)) : undefined;
  } catch {
    result = undefined;
  }
  return { status: response.status(), result, raw };
}
