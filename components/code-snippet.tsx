import { CopyButton } from '@/components/copy-button';

/** A block of code with its language as caption and a copy button. */
export function CodeSnippet({ code, title, id }: { code: string; title: string; id?: string }) {
  return (
    <figure id={id} className="overflow-hidden rounded-md border border-slate-800 bg-slate-900" aria-label={title}>
      <figcaption className="flex items-center justify-between gap-2 border-b border-slate-700 px-3 py-1.5 text-xs font-medium text-slate-300">
        <span>{title}</span>
        <CopyButton text={code} label={`Copy ${title}`} className="!px-2 !py-0.5 text-xs" />
      </figcaption>
      <pre tabIndex={0} className="overflow-x-auto p-4 text-xs text-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-brand-600">
        <code>{code}</code>
      </pre>
    </figure>
  );
}
