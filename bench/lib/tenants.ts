import { inArray, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { deliveryAttempts, organisations, projects, webhooks, webhookSubscriptions } from '@/db/schema';
import { seal } from '@/lib/crypto/secret-box';
import { newId } from '@/lib/ids';
import type { PublishInput } from '@/lib/webhooks/publish/publish';

export type Tenant = { organisationId: string; projectId: string; webhookIds: string[] };

/** An organisation with a project and one webhook per URL, each subscribed to workflow.completed. */
export async function createTenant(name: string, urls: readonly string[]): Promise<Tenant> {
  const organisationId = newId('org');
  const projectId = newId('proj');
  await getDb().insert(organisations).values({ id: organisationId, name });
  await getDb().insert(projects).values({ id: projectId, organisationId, name: 'Benchmark' });
  return { organisationId, projectId, webhookIds: await addWebhooks(organisationId, urls, { label: 'Receiver' }) };
}

/** One webhook per URL in the organisation, subscribed to workflow.completed; returns their ids. */
export async function addWebhooks(organisationId: string, urls: readonly string[], { label, active = true }: { label: string; active?: boolean }): Promise<string[]> {
  const db = getDb();
  const key = process.env.KAZINEX_ENCRYPTION_KEY!;
  const webhookIds = urls.map(() => newId('wh'));
  for (let from = 0; from < urls.length; from += 500) {
    const ids = webhookIds.slice(from, from + 500);
    await db.insert(webhooks).values(ids.map((id, i) => ({ id, organisationId, name: `${label} ${from + i + 1}`, url: urls[from + i]!, active, secretCiphertext: seal(`wh_bench_secret_${from + i}_0123456789`, key) })));
    await db.insert(webhookSubscriptions).values(ids.map((webhookId) => ({ webhookId, eventType: 'workflow.completed' })));
  }
  return webhookIds;
}

export const eventInput = (tenant: Pick<Tenant, 'organisationId' | 'projectId'>, n: number): PublishInput => ({
  organisationId: tenant.organisationId,
  projectId: tenant.projectId,
  type: 'workflow.completed',
  data: { workflow_id: `wf_${n}`, document_id: `doc_${n}`, document_number: `BENCH-${n}`, status: 'completed', outcome: 'approved' },
});

export async function recordedAttempts(webhookIds: readonly string[]): Promise<{ total: number; succeeded: number }> {
  const [row] = await getDb()
    .select({ total: sql<number>`count(*)::int`, succeeded: sql<number>`count(*) filter (where ${deliveryAttempts.success})::int` })
    .from(deliveryAttempts)
    .where(inArray(deliveryAttempts.webhookId, [...webhookIds]));
  return row!;
}
