'use client';

/**
 * Shown when a page fails unexpectedly. The server logged the failure; the digest ties this page to
 * that log line. Next's built-in page uses inline styles the Content-Security-Policy refuses.
 */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-sm text-center" role="alert">
        <h1 className="text-xl font-semibold">Something went wrong</h1>
        <p className="mt-2 text-sm text-slate-600">
          Something went wrong on our side.{error.digest ? ` If it happens again, quote error id ${error.digest}.` : ''}
        </p>
        <button type="button" onClick={reset} className="mt-4 text-sm font-medium text-brand-700 underline underline-offset-2">
          Try again
        </button>
      </div>
    </main>
  );
}
