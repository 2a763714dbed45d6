'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { useAction } from '@/components/use-action';
import { deleteWebhook, setWebhookActive } from '@/lib/webhooks/actions/webhook-actions';

export function ActiveToggle({ webhookId, active }: { webhookId: string; active: boolean }) {
  const toggle = useAction(setWebhookActive);
  return (
    <>
      <Button variant="secondary" onClick={() => toggle.run({ id: webhookId, active: !active })} disabled={toggle.pending}>
        {active ? 'Deactivate' : 'Activate'}
      </Button>
      {toggle.message ? <span className="text-sm text-red-600">{toggle.message}</span> : null}
    </>
  );
}

export function DeleteWebhookButton({ webhookId, name }: { webhookId: string; name: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const remove = useAction(deleteWebhook, {
    refresh: false,
    onSuccess: () => {
      setOpen(false);
      router.push('/settings/webhooks');
      router.refresh();
    },
  });
  return (
    <>
      <Dialog
        trigger={<Button variant="danger">Delete</Button>}
        open={open}
        onOpenChange={setOpen}
        title="Delete webhook?"
        description={`“${name}” and its event subscriptions will be deleted. Kazinex stops sending events to its endpoint. This cannot be undone.`}
      >
        {remove.message ? <p className="mb-3 text-sm text-red-600">{remove.message}</p> : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button variant="danger" onClick={() => remove.run({ id: webhookId })} disabled={remove.pending}>
            {remove.pending ? 'Deleting…' : 'Delete webhook'}
          </Button>
        </div>
      </Dialog>
    </>
  );
}
