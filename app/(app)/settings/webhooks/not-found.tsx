import Link from 'next/link';

export default function WebhookNotFound() {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-6">
      <h1 className="text-lg font-semibold">Webhook not found</h1>
      <p className="mt-2 text-sm text-slate-600">It may have been deleted, or the link is wrong.</p>
      <Link href="/settings/webhooks" className="mt-4 inline-block text-sm font-medium text-brand-700 underline underline-offset-2 hover:text-brand-600">
        Back to Webhooks
      </Link>
    </section>
  );
}
