import { POST } from '@/app/api/v1/events/route';
import { env } from '@/lib/env';

/** Calls the events API route handler exactly as Next does, with a real Request. */
export function callEventsApi(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return POST(
    new Request('http://localhost/api/v1/events', {
      method: 'POST',
      headers: { authorization: `Bearer ${env().KAZINEX_SERVICE_TOKEN}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}
