import type { Metadata } from 'next';
import { Breadcrumb } from '@/components/breadcrumb';
import { RoleNeeded } from '@/components/role-needed';
import { requireOrgAdmin } from '@/lib/auth/session';
import { eventReference } from '@/lib/webhooks/core/reference';

export const metadata: Metadata = { title: 'Webhook Events Reference' };

export default async function EventsReferencePage() {
  if (!(await requireOrgAdmin())) return <RoleNeeded />;
  const events = eventReference();
  return (
    <div className="space-y-8">
      <Breadcrumb trail={[{ label: 'Webhooks', href: '/settings/webhooks' }, { label: 'Events Reference' }]} />
      <header>
        <h1 className="text-2xl font-semibold">Webhook Events Reference</h1>
        <p className="mt-2 max-w-3xl text-sm text-slate-600">
          Every delivery is an HTTP POST whose JSON body has exactly five top-level keys: <code>event</code>,{' '}
          <code>timestamp</code> (when the event occurred, ISO-8601 UTC), <code>organisation_id</code>, <code>project_id</code>{' '}
          and <code>data</code>. The <code>X-Kazinex-Signature</code> header carries <code>sha256=</code> and the hex
          HMAC-SHA256 of the raw body with your webhook&apos;s secret. Fields may be added to <code>data</code> over time;
          ignore the ones you do not know.
        </p>
        <ul className="mt-4 flex flex-wrap gap-2 text-sm">
          {events.map((e) => (
            <li key={e.type}>
              <a href={`#${e.type}`} className="rounded bg-slate-100 px-2 py-1 font-mono text-xs text-brand-700 hover:bg-slate-200">
                {e.type}
              </a>
            </li>
          ))}
        </ul>
      </header>
      {events.map((event) => (
        <section key={event.type} id={event.type} aria-labelledby={`${event.type}-title`} className="rounded-lg border border-slate-200 bg-white p-5">
          <h2 id={`${event.type}-title`} className="font-mono text-lg font-semibold">
            {event.type}
          </h2>
          <p className="mt-1 text-sm text-slate-700">Fires when: {event.description}</p>
          <div className="relative overflow-x-auto">
            <table className="mt-4 min-w-full text-sm" aria-label={`${event.type} data fields`}>
              <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="py-1 pr-4">Field (in data)</th>
                  <th scope="col" className="py-1 pr-4">Type</th>
                  <th scope="col" className="py-1 pr-4">Required</th>
                  <th scope="col" className="py-1">Notes</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {event.fields.map((f) => (
                  <tr key={f.path}>
                    <td className="py-1.5 pr-4 font-mono text-xs">{f.path}</td>
                    <td className="py-1.5 pr-4 font-mono text-xs text-slate-600">{f.type}</td>
                    <td className="py-1.5 pr-4">{f.required ? 'Yes' : 'No'}</td>
                    <td className="py-1.5 text-slate-600">{f.notes}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3 className="mt-4 text-sm font-semibold">Example payload</h3>
          <pre tabIndex={0} className="mt-2 overflow-x-auto rounded-md bg-slate-900 p-4 text-xs text-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600">{event.example}</pre>
        </section>
      ))}
    </div>
  );
}
