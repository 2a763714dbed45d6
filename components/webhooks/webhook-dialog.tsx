'use client';

import { useRouter } from 'next/navigation';
import { useRef, useState, type FormEvent } from 'react';
import { z } from 'zod';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/field';
import { useAction } from '@/components/use-action';
import { useFocusFirstInvalid } from '@/components/use-focus-first-invalid';
import type { FieldErrors } from '@/lib/result';
import { createWebhook, updateWebhook } from '@/lib/webhooks/actions/webhook-actions';
import { generateSecret, webhookEditFormSchema, webhookFormSchema } from '@/lib/webhooks/core/webhook-form';

type Existing = { id: string; name: string; url: string; active: boolean };

function firstErrors(errors: FieldErrors | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(errors ?? {}).flatMap(([k, v]) => (v?.[0] ? [[k, v[0]]] : [])));
}

/** New Webhook and Edit share one dialog and one zod schema with the server action. */
export function WebhookDialog({ webhook, trigger }: { webhook?: Existing; trigger: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(webhook?.name ?? '');
  const [url, setUrl] = useState(webhook?.url ?? '');
  const [secret, setSecret] = useState('');
  const [active, setActive] = useState(webhook?.active ?? true);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const save = useAction(
    (values: { name: string; url: string; secret: string; active: boolean }) => (webhook ? updateWebhook({ id: webhook.id, ...values }) : createWebhook(values)),
    {
      refresh: false,
      failure: 'The webhook could not be saved. Please try again.',
      onSuccess: ({ id }) => {
        setOpen(false);
        if (webhook) router.refresh();
        else router.push(`/settings/webhooks/${id}`);
      },
    },
  );
  const errors = { ...firstErrors(save.fieldErrors), ...localErrors };
  const form = useRef<HTMLFormElement>(null);
  const [attempts, setAttempts] = useState(0);
  useFocusFirstInvalid(form, errors, attempts);

  function reset(next: boolean) {
    setOpen(next);
    if (next) {
      setName(webhook?.name ?? '');
      setUrl(webhook?.url ?? '');
      setSecret('');
      setActive(webhook?.active ?? true);
      setLocalErrors({});
      save.reset();
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const values = { name, url, secret, active };
    setAttempts((n) => n + 1);
    const local = (webhook ? webhookEditFormSchema : webhookFormSchema).safeParse(webhook ? { id: webhook.id, ...values } : values);
    setLocalErrors(local.success ? {} : firstErrors(z.flattenError(local.error).fieldErrors as FieldErrors));
    if (local.success) void save.run(values);
    else save.reset();
  }

  return (
    <>
      <Dialog
        trigger={<Button variant={webhook ? 'secondary' : 'primary'}>{trigger}</Button>}
        open={open}
        onOpenChange={reset}
        title={webhook ? 'Edit webhook' : 'New Webhook'}
        description="Kazinex sends a signed HTTP POST to this endpoint when subscribed events occur."
      >
        <form ref={form} onSubmit={onSubmit} noValidate className="space-y-4">
          <TextField
            id="webhook-name"
            label="Name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="ERP Integration — Workflow Events"
            maxLength={100}
            error={errors.name}
          />
          <TextField
            id="webhook-url"
            label="Endpoint URL"
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://your-system.com/kazinex-webhook"
            error={errors.url}
          />
          <TextField
            id="webhook-secret"
            label="Secret"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            placeholder={webhook ? 'Leave empty to keep the current secret' : 'wh_prod_a8f3x…'}
            autoComplete="off"
            spellCheck={false}
            className="font-mono"
            error={errors.secret}
            hint="Store this securely — you'll use it to verify payloads."
          >
            <Button variant="secondary" onClick={() => setSecret(generateSecret())}>
              Generate
            </Button>
          </TextField>
          <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
            <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} className="h-4 w-4 rounded border-slate-300" />
            Active
          </label>
          {save.error ? <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{save.error}</p> : null}
          <div className="flex flex-wrap justify-end gap-2 pt-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={save.pending}>
              {save.pending ? 'Saving…' : 'Save'}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
