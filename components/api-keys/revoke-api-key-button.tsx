'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { useAction } from '@/components/use-action';
import { revokeApiKeyAction } from '@/lib/api/key-actions';

/** Revoke, after a confirmation: the key stops working on its next request. */
export function RevokeApiKeyButton({ id, name }: { id: string; name: string }) {
  const [open, setOpen] = useState(false);
  const revoke = useAction(revokeApiKeyAction, { onSuccess: () => setOpen(false), failure: 'The key could not be revoked.' });
  return (
    <>
      <Dialog
        trigger={
          <Button variant="secondary" aria-label={`Revoke ${name}`}>
            Revoke
          </Button>
        }
        open={open} onOpenChange={setOpen} title={`Revoke “${name}”?`} description="Requests with this key are refused from now on. This cannot be undone.">
        {revoke.message ? <p className="mb-3 text-sm text-red-600">{revoke.message}</p> : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button variant="danger" onClick={() => revoke.run({ id })} disabled={revoke.pending}>
            {revoke.pending ? 'Revoking…' : 'Revoke key'}
          </Button>
        </div>
      </Dialog>
    </>
  );
}
