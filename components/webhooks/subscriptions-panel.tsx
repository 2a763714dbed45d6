'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { useAction } from '@/components/use-action';
import { eventCatalogue, eventTypes, type EventType } from '@/lib/webhooks/core/events';
import { removeSubscription, saveSubscriptions } from '@/lib/webhooks/actions/subscription-actions';

export function SubscriptionsPanel({ webhookId, subscribed }: { webhookId: string; subscribed: EventType[] }) {
  const [open, setOpen] = useState(false);
  const [selected, setSelected] = useState<Set<EventType>>(new Set(subscribed));

  function openPicker() {
    setSelected(new Set(subscribed));
    save.reset();
    setOpen(true);
  }

  function toggle(type: EventType, checked: boolean) {
    const next = new Set(selected);
    if (checked) next.add(type);
    else next.delete(type);
    setSelected(next);
  }

  const save = useAction(saveSubscriptions, { onSuccess: () => setOpen(false), failure: 'The subscriptions could not be saved.' });
  const remove = useAction(removeSubscription, { failure: 'The subscription could not be removed.' });
  const error = save.message ?? remove.message;

  return (
    <section aria-labelledby="event-subscriptions" className="rounded-lg border border-slate-200 bg-white">
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 px-5 py-3">
        <div>
          <h2 id="event-subscriptions" className="text-base font-semibold">
            Event Subscriptions
          </h2>
          <p className="text-sm text-slate-600">Kazinex sends this webhook only the events it subscribes to.</p>
        </div>
        <Dialog
          trigger={<Button>Add Subscription</Button>}
          open={open}
          onOpenChange={(next) => (next ? openPicker() : setOpen(false))}
          title="Add Subscription"
          description="Choose which events to subscribe to."
          wide
        >
          <fieldset className="space-y-2">
            <legend className="sr-only">Events</legend>
            {eventTypes.map((type) => (
              <label key={type} className="flex cursor-pointer items-start gap-3 rounded-md border border-slate-200 px-3 py-2 hover:bg-slate-50">
                <input
                  type="checkbox"
                  className="mt-0.5 h-4 w-4 rounded border-slate-300"
                  checked={selected.has(type)}
                  onChange={(e) => toggle(type, e.target.checked)}
                />
                <span>
                  <span className="block font-mono text-sm">{type}</span>
                  <span className="block text-sm text-slate-600">{eventCatalogue[type].description}</span>
                </span>
              </label>
            ))}
          </fieldset>
          {error ? <p className="mt-3 text-sm text-red-600">{error}</p> : null}
          <div className="mt-4 flex flex-wrap justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button onClick={() => save.run({ id: webhookId, eventTypes: eventTypes.filter((t) => selected.has(t)) })} disabled={save.pending}>
              {save.pending ? 'Saving…' : 'Save Subscriptions'}
            </Button>
          </div>
        </Dialog>
      </div>
      {subscribed.length === 0 ? (
        <p className="px-5 py-6 text-sm text-slate-600">No events yet. Click Add Subscription to choose which events to receive.</p>
      ) : (
        <div className="relative overflow-x-auto">
          <table className="min-w-full text-sm" aria-label="Subscribed events">
            <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-5 py-2">Event</th>
                <th scope="col" className="px-5 py-2">Fires when</th>
                <th scope="col" className="px-5 py-2"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {subscribed.map((type) => (
                <tr key={type}>
                  <td className="px-5 py-2 font-mono text-xs">{type}</td>
                  <td className="px-5 py-2 text-slate-700">{eventCatalogue[type].description}</td>
                  <td className="px-5 py-2 text-right">
                    <Button variant="ghost" onClick={() => remove.run({ id: webhookId, eventType: type })} aria-label={`Remove ${type}`}>
                      Remove
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {error && !open ? <p className="px-5 pb-3 text-sm text-red-600">{error}</p> : null}

    </section>
  );
}
