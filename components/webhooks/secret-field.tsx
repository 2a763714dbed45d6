'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { useAction } from '@/components/use-action';
import { revealSecret } from '@/lib/webhooks/actions/webhook-actions';

/** The secret stays masked until an admin asks for it; it is fetched on demand, never sent with the page. */
export function SecretField({ webhookId }: { webhookId: string }) {
  const [secret, setSecret] = useState<string>();
  const reveal = useAction(revealSecret, { refresh: false, onSuccess: (data) => setSecret(data.secret), failure: 'Could not load the secret.' });

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
        <Button variant="secondary" onClick={() => reveal.run({ id: webhookId })} disabled={reveal.pending}>
          Reveal
        </Button>
      )}
      {reveal.message ? <span className="text-sm text-red-600">{reveal.message}</span> : null}
    </div>
  );
}
