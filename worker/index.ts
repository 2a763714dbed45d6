/**
 * The delivery worker: its own Node process running pg-boss jobs. The web app never delivers
 * inside a request. SIGTERM/SIGINT stop fetching and let in-flight work finish.
 */
import { env } from '@/lib/env';
import { createBoss, ensureQueues } from '@/lib/queue/boss';

async function main() {
  const config = env();
  const boss = createBoss(config.DATABASE_URL);
  boss.on('error', (err) => console.error('[worker] pg-boss error:', err.message));
  await boss.start();
  await ensureQueues(boss);
  if (config.WEBHOOKS_ALLOW_PRIVATE_URLS) {
    console.warn('[worker] WEBHOOKS_ALLOW_PRIVATE_URLS is on: deliveries may reach private addresses. Development and tests only.');
  }
  console.log('[worker] ready');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('[worker] stopping…');
    await boss.stop({ graceful: true, timeout: 30_000 });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err) => {
  console.error('[worker] failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
