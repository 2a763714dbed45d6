'use client';

import { useState } from 'react';
import { CopyButton } from '@/components/copy-button';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { useAction } from '@/components/use-action';
import { formatDateTime } from '@/lib/format';
import { rollSecretAction } from '@/lib/webhooks/actions/recovery-actions';

type Rolled = { secret: string; previousValidUntil: Date };

/** Roll secret: a new secret, shown here with a copy button; the previous one keeps signing for 24 hours. */
export function RollSecretDialog({ webhookId, onRolled }: { webhookId: string; onRolled: (rolled: Rolled) => void }) {
  const [open, setOpen] = useState(false);
  const [rolled, setRolled] = useState<Rolled>();
  const roll = useAction(rollSecretAction, {
    refresh: false,
    onSuccess: (data) => {
      setRolled(data);
      onRolled(data);
    },
    failure: 'The secret could not be rolled.',
  });

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (next) {
      setRolled(undefined);
      roll.reset();
    }
  }

  return (
    <Dialog
      trigger={<Button variant="secondary">Roll secret</Button>}
      open={open}
      onOpenChange={onOpenChange}
      title="Roll secret"
      description="Kazinex generates a new secret and signs with it from now on. The current secret stays valid for 24 hours, so you can update your endpoint without failed verifications."
    >
      {rolled ? (
        <div className="space-y-3 text-sm">
          <p>Your new secret. Copy it now; Reveal on the webhook page shows it again later.</p>
          <div className="flex items-start gap-2">
            <code className="block min-w-0 flex-1 break-all rounded bg-slate-100 px-3 py-2 font-mono text-xs" data-testid="new-secret">
              {rolled.secret}
            </code>
            <CopyButton text={rolled.secret} label="Copy new secret" />
          </div>
          <p className="text-slate-700" data-testid="previous-valid-until">
            The previous secret is accepted until {formatDateTime(rolled.previousValidUntil)}.
          </p>
          <div className="flex justify-end">
            <Button onClick={() => onOpenChange(false)}>Done</Button>
          </div>
        </div>
      ) : (
        <div className="space-y-3">
          {roll.message ? <p className="text-sm text-red-600">{roll.message}</p> : null}
          <div className="flex flex-wrap justify-end gap-2">
            <Button variant="secondary" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button onClick={() => roll.run({ id: webhookId })} disabled={roll.pending}>
              {roll.pending ? 'Rolling…' : 'Roll secret now'}
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
