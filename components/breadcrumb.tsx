import Link from 'next/link';
import { Fragment } from 'react';

/** "Webhooks / ERP Integration / Delivery": every crumb but the last is a link. */
export function Breadcrumb({ trail }: { trail: { label: string; href?: string }[] }) {
  return (
    <nav aria-label="Breadcrumb" className="text-sm">
      {trail.map((crumb, i) => (
        <Fragment key={i}>
          {i > 0 ? <span aria-hidden="true" className="text-slate-500"> / </span> : null}
          {crumb.href ? (
            <Link href={crumb.href} className="text-brand-700 underline underline-offset-2 hover:text-brand-600">
              {crumb.label}
            </Link>
          ) : (
            <span className="text-slate-600">{crumb.label}</span>
          )}
        </Fragment>
      ))}
    </nav>
  );
}
