'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { revealSecret } from '@/lib/webhooks/actions/webhook-actions';

/** The secret stays masked until an admin asks for it; it is fetched on demand, never sent with the page. */
export function SecretField({ webhookId }: { webhookId: string }) {
  const [secret, setSecret] = useState<string>();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function reveal() {
    setPending(true);
    const result = await revealSecret({ id: webhookId }).catch(() => ({ ok: false as const, formError: 'Could not load the secret.' }));
    setPending(false);
    if (result.ok) setSecret(result.data.secret);
    else setError(result.formError ?? 'Could not load the secret.');
  }

  return (
    <div className="flex flex-wrap items-center gap-3">
      <code className="rounded bg-slate-100 px-2 py-1 font-mono text-xs" data-testid="webhook-secret">
        {secret ?? '••••••••••••••••••••'}
      </code>
      {secret ? (
        <Button variant="ghost" onClick={() => setSecret(undefined)}>
          Hide
        </Button>
      ) : (
        <Button variant="secondary" onClick={reveal} disabled={pending}>
          Reveal
        </Button>
      )}
      {error ? <span className="text-sm text-red-600">{error}</span> : null}
    </div>
  );
}
