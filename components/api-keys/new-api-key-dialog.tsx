'use client';

import { useRouter } from 'next/navigation';
import { useRef, useState, type FormEvent } from 'react';
import { CopyButton } from '@/components/copy-button';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/field';
import { useAction } from '@/components/use-action';
import { useFocusFirstInvalid } from '@/components/use-focus-first-invalid';
import { createApiKeyAction } from '@/lib/api/key-actions';

/** New API Key: a name in, the key out — shown once, with a copy button. */
export function NewApiKeyDialog() {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ key: string; prefix: string }>();
  const create = useAction(createApiKeyAction, { refresh: false, onSuccess: setCreated, failure: 'The key could not be created. Please try again.' });

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (next) {
      setName('');
      setCreated(undefined);
      create.reset();
    } else if (created) {
      router.refresh();
    }
  }

  const form = useRef<HTMLFormElement>(null);
  const [attempts, setAttempts] = useState(0);
  useFocusFirstInvalid(form, create.fieldErrors, attempts);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setAttempts((n) => n + 1);
    void create.run({ name });
  }

  return (
    <>
      <Dialog trigger={<Button>New API Key</Button>} open={open} onOpenChange={onOpenChange} title="New API Key" description="The key acts for your organisation with Org Admin rights in the management API.">
        {created ? (
          <div className="space-y-3 text-sm">
            <p>Your new API key. Copy it now — it is shown only once and cannot be shown again.</p>
            <div className="flex items-start gap-2">
              <code className="block min-w-0 flex-1 break-all rounded bg-slate-100 px-3 py-2 font-mono text-xs" data-testid="new-api-key">
                {created.key}
              </code>
              <CopyButton text={created.key} label="Copy API key" />
            </div>
            <p className="text-slate-600">
              Send it as <code>Authorization: Bearer &lt;key&gt;</code> to <code>/api/v1</code>.
            </p>
            <div className="flex justify-end">
              <Button onClick={() => onOpenChange(false)}>Done</Button>
            </div>
          </div>
        ) : (
          <form ref={form} onSubmit={onSubmit} noValidate className="space-y-4">
            <TextField
              id="api-key-name"
              label="Name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="CI pipeline"
              error={create.fieldErrors.name?.[0]}
              hint="What uses this key, so you know which one to revoke."
            />
            {create.error ? <p className="text-sm text-red-600">{create.error}</p> : null}
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => onOpenChange(false)}>
                Cancel
              </Button>
              <Button type="submit" disabled={create.pending}>
                {create.pending ? 'Creating…' : 'Create key'}
              </Button>
            </div>
          </form>
        )}
      </Dialog>
    </>
  );
}
