'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { formatDuration } from '@/lib/format';
import { useAction } from '@/components/use-action';
import { sendTestEventAction } from '@/lib/webhooks/actions/delivery-actions';
import { eventCatalogue, eventTypes, type EventType } from '@/lib/webhooks/core/events';
import type { DeliveryOutcome } from '@/lib/webhooks/read/delivery-outcome';
import { StatusBadge } from './status-badge';

type Outcome = DeliveryOutcome;
type Phase = { kind: 'idle' } | { kind: 'sending' } | { kind: 'waiting'; deliveryId: string } | { kind: 'done'; outcome: Outcome } | { kind: 'error'; message: string };

const POLL_MS = 150;
const GIVE_UP_MS = 30_000;

export function SendTestEventDialog({ webhookId }: { webhookId: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [eventType, setEventType] = useState<EventType>('workflow.completed');
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (!next) clearTimeout(timer.current);
    if (next) setPhase({ kind: 'idle' });
  }

  const sendAction = useAction(sendTestEventAction, { refresh: false });

  /** The delivery's first recorded attempt, read from a GET route (reads never queue behind actions). */
  async function outcomeOf(deliveryId: string): Promise<Outcome | null> {
    const response = await fetch(`/api/admin/deliveries/${encodeURIComponent(deliveryId)}/outcome`, { cache: 'no-store' }).catch(() => null);
    if (!response?.ok) return null;
    return ((await response.json()) as { outcome: Outcome | null }).outcome;
  }

  async function send() {
    clearTimeout(timer.current);
    setPhase({ kind: 'sending' });
    const sent = await sendAction.run({ id: webhookId, eventType });
    if (!sent?.ok) return setPhase({ kind: 'error', message: sent?.formError ?? 'The test event could not be sent.' });
    const { deliveryId } = sent.data;
    setPhase({ kind: 'waiting', deliveryId });
    const startedAt = Date.now();
    const poll = async () => {
      const outcome = await outcomeOf(deliveryId);
      if (outcome) {
        setPhase({ kind: 'done', outcome });
        router.refresh();
        return;
      }
      if (Date.now() - startedAt > GIVE_UP_MS) {
        return setPhase({ kind: 'error', message: 'No attempt has been recorded yet. Is the delivery worker running? Check the Delivery Log later.' });
      }
      timer.current = setTimeout(poll, POLL_MS);
    };
    timer.current = setTimeout(poll, POLL_MS);
  }

  const busy = phase.kind === 'sending' || phase.kind === 'waiting';

  return (
    <>
      <Dialog
        trigger={<Button>Send Test Event</Button>}
        open={open}
        onOpenChange={onOpenChange}
        title="Send Test Event"
        description="Kazinex sends a sample payload for the chosen event type to this endpoint, whether or not the webhook subscribes to it."
      >
        <div className="space-y-4">
          <div>
            <label htmlFor="test-event-type" className="block text-sm font-medium text-slate-800">
              Event type
            </label>
            <select
              id="test-event-type"
              value={eventType}
              onChange={(e) => setEventType(e.target.value as EventType)}
              className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm"
            >
              {eventTypes.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
            <p className="mt-1 text-xs text-slate-500">Fires when: {eventCatalogue[eventType].description}</p>
          </div>

          <div role="status" aria-live="polite" className="min-h-6 text-sm">
            {phase.kind === 'waiting' || phase.kind === 'sending' ? <span className="text-slate-600">Sending…</span> : null}
            {phase.kind === 'error' ? <span className="text-red-600">{phase.message}</span> : null}
            {phase.kind === 'done' ? (
              <dl className="grid grid-cols-[7rem_minmax(0,1fr)] break-words gap-y-1 rounded-md border border-slate-200 p-3" aria-label="Test event outcome">
                <dt className="text-slate-600">Status</dt>
                <dd>
                  <StatusBadge tone={phase.outcome.status === 'success' ? 'green' : 'red'}>{phase.outcome.status}</StatusBadge>
                </dd>
                <dt className="text-slate-600">Response Code</dt>
                <dd data-testid="test-response-code">{phase.outcome.responseCode ?? '—'}</dd>
                <dt className="text-slate-600">Duration</dt>
                <dd>{formatDuration(phase.outcome.durationMs)}</dd>
                {phase.outcome.error ? (
                  <>
                    <dt className="text-slate-600">Error</dt>
                    <dd className="text-red-700">{phase.outcome.error}</dd>
                  </>
                ) : null}
              </dl>
            ) : null}
          </div>

          <div className="flex flex-wrap justify-end gap-2">
            <Button variant="secondary" onClick={() => onOpenChange(false)}>
              Close
            </Button>
            <Button onClick={send} disabled={busy}>
              Send
            </Button>
          </div>
        </div>
      </Dialog>
    </>
  );
}
