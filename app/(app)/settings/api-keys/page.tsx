import type { Metadata } from 'next';
import Link from 'next/link';
import { NewApiKeyDialog } from '@/components/api-keys/new-api-key-dialog';
import { RevokeApiKeyButton } from '@/components/api-keys/revoke-api-key-button';
import { RoleNeeded } from '@/components/role-needed';
import { StatusBadge } from '@/components/webhooks/status-badge';
import { listApiKeys } from '@/lib/api/keys';
import { requireOrgAdmin } from '@/lib/auth/session';
import { formatDateTime } from '@/lib/format';

export const metadata: Metadata = { title: 'API Keys' };

export default async function ApiKeysPage() {
  const admin = await requireOrgAdmin();
  if (!admin) return <RoleNeeded />;
  const keys = await listApiKeys(admin.organisationId);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">API Keys</h1>
          <p className="mt-1 max-w-2xl text-sm text-slate-600">
            Manage webhooks from your own code: an API key acts for your organisation with Org Admin rights under{' '}
            <code>/api/v1</code>.{' '}
            <Link href="/settings/api-reference" className="font-medium text-brand-700 underline underline-offset-2 hover:text-brand-600">
              API Reference
            </Link>
          </p>
        </div>
        <NewApiKeyDialog />
      </div>

      {keys.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
          <h2 className="text-base font-semibold">No API keys yet</h2>
          <p className="mx-auto mt-2 max-w-md text-sm text-slate-600">
            Click <strong>New API Key</strong> to create one for a script, a CI pipeline or a Playwright suite.
          </p>
        </div>
      ) : (
        <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="API keys">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2">Name</th>
                <th scope="col" className="px-4 py-2">Key</th>
                <th scope="col" className="px-4 py-2">Created</th>
                <th scope="col" className="px-4 py-2">Last used</th>
                <th scope="col" className="px-4 py-2">Status</th>
                <th scope="col" className="px-4 py-2"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {keys.map((k) => (
                <tr key={k.id}>
                  <td className="px-4 py-2 font-medium">{k.name}</td>
                  <td className="px-4 py-2 font-mono text-xs text-slate-700">{k.prefix}…</td>
                  <td className="px-4 py-2 text-slate-600">{formatDateTime(k.createdAt)}</td>
                  <td className="px-4 py-2 text-slate-600">{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'Never'}</td>
                  <td className="px-4 py-2">{k.revokedAt ? <StatusBadge tone="slate">Revoked</StatusBadge> : <StatusBadge tone="green">Active</StatusBadge>}</td>
                  <td className="px-4 py-2 text-right">{k.revokedAt ? null : <RevokeApiKeyButton id={k.id} name={k.name} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
