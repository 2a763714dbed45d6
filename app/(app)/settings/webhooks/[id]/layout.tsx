import { notFound } from 'next/navigation';
import { requireOrgAdmin } from '@/lib/auth/session';
import { isRecordId } from '@/lib/validation';
import { getWebhook } from '@/lib/webhooks/read/webhook-list';

/**
 * Answers 404 for a webhook that is not the organisation's before anything streams: the pages'
 * loading skeletons (Suspense boundaries) sit below this layout, and a page that has started
 * streaming can no longer change its status.
 */
export default async function WebhookLayout({ children, params }: { children: React.ReactNode; params: Promise<{ id: string }> }) {
  const admin = await requireOrgAdmin();
  if (admin) {
    const { id } = await params;
    if (!isRecordId(id) || !(await getWebhook(admin.organisationId, id))) notFound();
  }
  return children;
}
