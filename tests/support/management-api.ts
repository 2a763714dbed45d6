import * as deliveryRoute from '@/app/api/v1/deliveries/[id]/route';
import * as retryRoute from '@/app/api/v1/deliveries/[id]/retry/route';
import * as webhookRoute from '@/app/api/v1/webhooks/[id]/route';
import * as attemptsRoute from '@/app/api/v1/webhooks/[id]/attempts/route';
import * as reEnableRoute from '@/app/api/v1/webhooks/[id]/re-enable/route';
import * as replaySkippedRoute from '@/app/api/v1/webhooks/[id]/replay-skipped/route';
import * as retryFailedRoute from '@/app/api/v1/webhooks/[id]/retry-failed/route';
import * as rollSecretRoute from '@/app/api/v1/webhooks/[id]/roll-secret/route';
import * as subscriptionsRoute from '@/app/api/v1/webhooks/[id]/subscriptions/route';
import * as testEventsRoute from '@/app/api/v1/webhooks/[id]/test-events/route';
import * as webhooksRoute from '@/app/api/v1/webhooks/route';
import { apiOperations } from '@/lib/api/registry';

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type RouteModule = Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE', Handler>>;

/** The route modules of the management API by their OpenAPI path, called exactly as Next calls them. */
const routes: [string, RouteModule][] = [
  ['/webhooks', webhooksRoute],
  ['/webhooks/{id}', webhookRoute],
  ['/webhooks/{id}/subscriptions', subscriptionsRoute],
  ['/webhooks/{id}/test-events', testEventsRoute],
  ['/webhooks/{id}/attempts', attemptsRoute],
  ['/webhooks/{id}/roll-secret', rollSecretRoute],
  ['/webhooks/{id}/retry-failed', retryFailedRoute],
  ['/webhooks/{id}/re-enable', reEnableRoute],
  ['/webhooks/{id}/replay-skipped', replaySkippedRoute],
  ['/deliveries/{id}', deliveryRoute],
  ['/deliveries/{id}/retry', retryRoute],
];

function match(pathname: string): { template: string; module: RouteModule; params: Record<string, string> } {
  for (const [template, module] of routes) {
    const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`);
    const m = pattern.exec(pathname);
    if (m) return { template, module, params: Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)])) };
  }
  throw new Error(`No management API route for ${pathname}`);
}

export type ApiAnswer = { status: number; headers: Headers; body: any };

/**
 * Calls `/api/v1<path>` with the key as bearer and returns status, headers and the parsed body.
 * A success body is also checked against the operation's response schema in the OpenAPI registry,
 * so the document cannot promise a shape the route does not send.
 */
export async function callApi(key: string | null, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<ApiAnswer> {
  const url = new URL(`http://localhost/api/v1${path}`);
  const { template, module, params } = match(url.pathname.slice('/api/v1'.length));
  const handler = module[method];
  if (!handler) throw new Error(`${method} ${template} is not served`);
  const headers: Record<string, string> = {};
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await handler(new Request(url, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) }), {
    params: Promise.resolve(params),
  });
  const text = await response.text();
  const parsed = text === '' ? undefined : JSON.parse(text);
  if (response.status < 300 && parsed !== undefined) {
    const operation = apiOperations.find((o) => o.path === template && o.method === method);
    const schema = operation?.responses[response.status]?.schema;
    if (!schema) throw new Error(`${method} ${template} answered ${response.status}, which its OpenAPI entry does not describe`);
    const checked = schema.safeParse(parsed);
    if (!checked.success) throw new Error(`${method} ${template} answered a body its OpenAPI schema refuses: ${JSON.stringify(checked.error.issues)}`);
  }
  return { status: response.status, headers: response.headers, body: parsed };
}
