import Link from 'next/link';

/** Any unknown address; Next's built-in page uses inline styles the Content-Security-Policy refuses. */
export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-sm text-center">
        <h1 className="text-xl font-semibold">Page not found</h1>
        <p className="mt-2 text-sm text-slate-600">This address does not exist.</p>
        <Link href="/settings/webhooks" className="mt-4 inline-block text-sm font-medium text-brand-700 underline underline-offset-2">
          Go to Webhooks
        </Link>
      </div>
    </main>
  );
}
