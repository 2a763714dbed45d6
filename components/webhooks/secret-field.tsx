'use client';

import { useState } from 'react';
import { CopyButton } from '@/components/copy-button';
import { RelativeTime } from '@/components/relative-time';
import { Button } from '@/components/ui/button';
import { useAction } from '@/components/use-action';
import { revealSecret } from '@/lib/webhooks/actions/webhook-actions';
import { RollSecretDialog } from './roll-secret-dialog';

/**
 * A secret known in the browser, with the webhook's `updatedAt` when it was learnt and the
 * previous secret's expiry it goes with. It stays shown while the page still shows that version of
 * the webhook, or the expiry a roll set; an edit that types a new secret changes both, and masks it.
 */
type Known = { secret: string; updatedAt: string; previousValidUntil: string | null };

/**
 * The Secret row: the current secret (masked until an admin reveals it; fetched on demand, never
 * sent with the page), Roll secret, and the previous secret's overlap. After a roll the new secret
 * shows at once, without a reload.
 */
export function SecretPanel({ webhookId, updatedAt, previousValidUntil }: { webhookId: string; updatedAt: string; previousValidUntil: string | null }) {
  const [known, setKnown] = useState<Known>();
  const reveal = useAction(revealSecret, {
    refresh: false,
    onSuccess: (data) => setKnown({ secret: data.secret, updatedAt, previousValidUntil }),
    failure: 'Could not load the secret.',
  });
  const current =
    known && (known.updatedAt === updatedAt || (known.previousValidUntil !== null && known.previousValidUntil === previousValidUntil)) ? known : undefined;
  const overlapUntil = current ? current.previousValidUntil : previousValidUntil;

  function onRolled(rolled: { secret: string; previousValidUntil: Date }) {
    setKnown({ secret: rolled.secret, updatedAt, previousValidUntil: new Date(rolled.previousValidUntil).toISOString() });
  }

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-xs font-medium uppercase tracking-wide text-slate-600">Current</span>
        <code className="min-w-0 break-all rounded bg-slate-100 px-2 py-1 font-mono text-xs" data-testid="webhook-secret">
          {current?.secret ?? '••••••••••••••••••••'}
        </code>
        {current ? (
          <>
            <CopyButton text={current.secret} label="Copy secret" />
            <Button variant="ghost" onClick={() => setKnown(undefined)}>
              Hide
            </Button>
          </>
        ) : (
          <Button variant="secondary" onClick={() => reveal.run({ id: webhookId })} disabled={reveal.pending}>
            Reveal
          </Button>
        )}
        <RollSecretDialog webhookId={webhookId} onRolled={onRolled} />
        {reveal.message ? <span className="text-sm text-red-600">{reveal.message}</span> : null}
      </div>
      {overlapUntil && new Date(overlapUntil) > new Date() ? (
        <p className="text-xs text-slate-700" data-testid="previous-secret-note">
          <span className="font-medium uppercase tracking-wide text-slate-600">
            Previous (valid until <RelativeTime value={overlapUntil} />)
          </span>{' '}
          — still accepted: deliveries carry a signature for each secret until then.
        </p>
      ) : null}
    </div>
  );
}
