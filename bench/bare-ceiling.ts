import http from 'node:http';
import { signedHeaders } from '@/lib/webhooks/core/sign';

/**
 * The bare ceiling: signed POSTs from a plain Node loop straight to the receiver, with no queue
 * and no database. Returns requests per second.
 */
export async function bareCeiling(url: string, body: string, total: number, inFlight: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const target = new URL(url);
  const payload = Buffer.from(body);
  let sent = 0;
  const lane = async () => {
    while (sent < total) {
      const n = sent++;
      const headers = {
        ...signedHeaders({ deliveryId: `dlv_bare${n}`, eventType: 'workflow.completed', body: payload, secrets: ['bench-secret-0123456789'], at: new Date() }),
        'Content-Length': String(payload.length),
      };
      await new Promise<void>((resolve, reject) => {
        const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers, agent }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end(payload);
      });
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, lane));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return total / seconds;
}
