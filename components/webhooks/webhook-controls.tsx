'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { deleteWebhook, setWebhookActive } from '@/lib/webhooks/actions/webhook-actions';

export function ActiveToggle({ webhookId, active }: { webhookId: string; active: boolean }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  async function toggle() {
    setPending(true);
    const result = await setWebhookActive({ id: webhookId, active: !active });
    setPending(false);
    if (result.ok) router.refresh();
    else setError(result.formError);
  }
  return (
    <>
      <Button variant="secondary" onClick={toggle} disabled={pending}>
        {active ? 'Deactivate' : 'Activate'}
      </Button>
      {error ? <span className="text-sm text-red-600">{error}</span> : null}
    </>
  );
}

export function DeleteWebhookButton({ webhookId, name }: { webhookId: string; name: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  async function confirm() {
    setPending(true);
    const result = await deleteWebhook({ id: webhookId });
    setPending(false);
    if (!result.ok) return setError(result.formError);
    setOpen(false);
    router.push('/settings/webhooks');
    router.refresh();
  }
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title="Delete webhook?"
        description={`“${name}” and its event subscriptions will be deleted. Kazinex stops sending events to its endpoint. This cannot be undone.`}
      >
        {error ? <p className="mb-3 text-sm text-red-600">{error}</p> : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button variant="danger" onClick={confirm} disabled={pending}>
            {pending ? 'Deleting…' : 'Delete webhook'}
          </Button>
        </div>
      </Dialog>
    </>
  );
}
