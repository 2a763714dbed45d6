/**
 * What a page shows while its data loads after a click (app/(app)/…/loading.tsx): grey blocks in
 * the page's shape, and "Loading …" for screen readers. No figures: nothing here pretends to be data.
 */
export function Block({ className = '' }: { className?: string }) {
  return <div className={`animate-pulse rounded-md bg-slate-200 motion-reduce:animate-none ${className}`} />;
}

export function PageSkeleton({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="space-y-6" aria-busy="true" data-testid="page-loading">
      <p role="status" className="sr-only">
        Loading {label}…
      </p>
      <div aria-hidden="true" className="space-y-6">
        {children}
      </div>
    </div>
  );
}

/** A table's outline: a header row and `rows` rows of grey bars. */
export function TableSkeleton({ rows = 5 }: { rows?: number }) {
  return (
    <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <Block className="h-4 w-1/3" />
      {Array.from({ length: rows }, (_, i) => (
        <Block key={i} className="h-6 w-full" />
      ))}
    </div>
  );
}
