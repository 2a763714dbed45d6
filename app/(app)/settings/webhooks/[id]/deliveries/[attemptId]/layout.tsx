import { notFound } from 'next/navigation';
import { requireOrgAdmin } from '@/lib/auth/session';
import { isRecordId } from '@/lib/validation';
import { attemptOfWebhook } from '@/lib/webhooks/read/delivery-attempt';

/** Answers 404 for an attempt that is not this webhook's before the page's loading skeleton streams (see the webhook's layout). */
export default async function DeliveryAttemptLayout({ children, params }: { children: React.ReactNode; params: Promise<{ id: string; attemptId: string }> }) {
  const admin = await requireOrgAdmin();
  if (admin) {
    const { id, attemptId } = await params;
    if (!isRecordId(attemptId) || !(await attemptOfWebhook(admin.organisationId, id, attemptId))) notFound();
  }
  return children;
}
