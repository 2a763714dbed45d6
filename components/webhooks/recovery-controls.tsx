'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { inputClass } from '@/components/ui/field';
import { useAction } from '@/components/use-action';
import { formatDateTime } from '@/lib/format';
import { reEnableWebhookAction, replaySkippedAction, retryFailedSinceAction } from '@/lib/webhooks/actions/recovery-actions';

/** Shown when failure tracking disabled the webhook: why, since when, and the way back. */
export function DisabledBanner({ webhookId, reason, disabledAt, skippedCount }: { webhookId: string; reason: string; disabledAt: Date | null; skippedCount: number }) {
  const reEnable = useAction(reEnableWebhookAction, { failure: 'The webhook could not be re-enabled.' });
  return (
    <section aria-label="Webhook disabled" className="rounded-lg border border-red-200 bg-red-50 p-4">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h2 className="font-semibold text-red-900">This webhook is disabled</h2>
          <p className="mt-1 text-sm text-red-900" data-testid="disabled-reason">
            {reason}
            {disabledAt ? ` (since ${formatDateTime(disabledAt)})` : ''}.
          </p>
          <p className="mt-1 text-sm text-red-800">
            Kazinex keeps new events for it as skipped deliveries{skippedCount > 0 ? ` (${skippedCount} so far)` : ''}. Fix the endpoint, then re-enable it and
            replay them.
          </p>
        </div>
        <Button variant="secondary" onClick={() => reEnable.run({ id: webhookId })} disabled={reEnable.pending}>
          Re-enable
        </Button>
      </div>
      {reEnable.message ? <p className="mt-2 text-sm text-red-700">{reEnable.message}</p> : null}
    </section>
  );
}

/** Replay skipped deliveries, and re-send every failed delivery since a chosen time. */
export function RecoveryControls({ webhookId, skippedCount }: { webhookId: string; skippedCount: number }) {
  const [since, setSince] = useState('');
  const [message, setMessage] = useState<string>();
  const deliveries = (n: number, kind: string) => `${n} ${kind} ${n === 1 ? 'delivery' : 'deliveries'}`;
  const replay = useAction(replaySkippedAction, { onSuccess: ({ count }) => setMessage(`${deliveries(count, 'skipped')} queued.`) });
  const retrySince = useAction(retryFailedSinceAction, {
    onSuccess: ({ count }) => setMessage(count === 0 ? 'No failed deliveries since then.' : `${deliveries(count, 'failed')} re-sent.`),
  });
  const pending = replay.pending || retrySince.pending;
  const error = replay.message ?? retrySince.message;
  function start(run: () => unknown) {
    setMessage(undefined);
    replay.reset();
    retrySince.reset();
    run();
  }

  return (
    <section aria-labelledby="recovery-heading" className="rounded-lg border border-slate-200 bg-white px-5 py-4">
      <h2 id="recovery-heading" className="text-base font-semibold">
        Recover deliveries
      </h2>
      <div className="mt-3 flex flex-wrap items-end gap-6">
        {skippedCount > 0 ? (
          <Button variant="secondary" disabled={pending} onClick={() => start(() => replay.run({ id: webhookId }))}>
            Replay skipped ({skippedCount})
          </Button>
        ) : null}
        <div className="flex items-end gap-2">
          <div>
            <label htmlFor="retry-failed-since" className="block text-sm font-medium text-slate-800">
              Failed since
            </label>
            <input id="retry-failed-since" type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} className={`${inputClass} mt-1`} />
          </div>
          <Button
            variant="secondary"
            disabled={pending || !since}
            onClick={() => start(() => retrySince.run({ id: webhookId, since: new Date(since).toISOString() }))}
          >
            Retry failed since…
          </Button>
        </div>
      </div>
      <p role="status" className="mt-2 min-h-5 text-sm">
        {message ? <span className="text-green-700">{message}</span> : null}
        {error ? <span className="text-red-600">{error}</span> : null}
      </p>
    </section>
  );
}
