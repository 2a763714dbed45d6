'use client';

import { useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { inputClass } from '@/components/ui/field';
import { RelativeTime } from '@/components/relative-time';
import { useAction } from '@/components/use-action';
import { formatDateTime } from '@/lib/format';
import { countFailedSinceAction, reEnableWebhookAction, replaySkippedAction, retryFailedSinceAction } from '@/lib/webhooks/actions/recovery-actions';

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
            {disabledAt ? (
              <>
                {' '}
                (since <RelativeTime value={disabledAt} />)
              </>
            ) : null}
            .
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

/** A `datetime-local` value read as UTC, the zone of every time on these pages ("2026-03-01T09:30" → ISO). */
function utcInstant(local: string): string | null {
  const date = new Date(`${local}Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Replay skipped deliveries, and re-send every failed delivery since a chosen time (UTC), after a confirmation with the count. */
export function RecoveryControls({ webhookId, skippedCount }: { webhookId: string; skippedCount: number }) {
  const [since, setSince] = useState('');
  const [message, setMessage] = useState<string>();
  const [confirm, setConfirm] = useState<{ since: string; count: number }>();
  const retrySinceButton = useRef<HTMLButtonElement>(null);
  const deliveries = (n: number, kind: string) => `${n} ${kind} ${n === 1 ? 'delivery' : 'deliveries'}`;
  const replay = useAction(replaySkippedAction, { onSuccess: ({ count }) => setMessage(`${deliveries(count, 'skipped')} queued.`) });
  const countFailed = useAction(countFailedSinceAction, { refresh: false, failure: 'The failed deliveries could not be counted.' });
  const retrySince = useAction(retryFailedSinceAction, {
    onSuccess: ({ count }) => {
      setConfirm(undefined);
      setMessage(count === 0 ? 'No failed deliveries since then.' : `${deliveries(count, 'failed')} re-sent.`);
    },
  });
  const pending = replay.pending || retrySince.pending || countFailed.pending;
  const error = confirm ? undefined : (replay.message ?? countFailed.message ?? retrySince.message);
  function start(run: () => unknown) {
    setMessage(undefined);
    replay.reset();
    countFailed.reset();
    retrySince.reset();
    run();
  }

  async function askToConfirm() {
    const instant = utcInstant(since);
    if (!instant) return setMessage(undefined);
    start(async () => {
      const counted = await countFailed.run({ id: webhookId, since: instant });
      if (!counted?.ok) return;
      if (counted.data.count === 0) setMessage('No failed deliveries since then.');
      else setConfirm({ since: instant, count: counted.data.count });
    });
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
        <div className="flex flex-wrap items-end gap-2">
          <div>
            <label htmlFor="retry-failed-since" className="block text-sm font-medium text-slate-800">
              Failed since (UTC)
            </label>
            <input id="retry-failed-since" type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} className={`${inputClass} mt-1`} />
          </div>
          <Button ref={retrySinceButton} variant="secondary" disabled={pending || !since} onClick={askToConfirm}>
            Retry failed since…
          </Button>
        </div>
      </div>
      <p role="status" className="mt-2 min-h-5 text-sm">
        {message ? <span className="text-green-700">{message}</span> : null}
        {error ? <span className="text-red-600">{error}</span> : null}
      </p>
      <Dialog
        open={confirm !== undefined}
        onOpenChange={(next) => {
          if (!next) setConfirm(undefined);
        }}
        title="Retry failed deliveries?"
        returnFocusTo={retrySinceButton}
      >
        {confirm ? (
          <div className="space-y-4 text-sm">
            <p data-testid="retry-since-count">
              {deliveries(confirm.count, 'failed')} since {formatDateTime(confirm.since)} will be re-sent now, each as a manual attempt.
            </p>
            {retrySince.message ? <p className="text-red-600">{retrySince.message}</p> : null}
            <div className="flex flex-wrap justify-end gap-2">
              <Button variant="secondary" onClick={() => setConfirm(undefined)}>
                Cancel
              </Button>
              <Button onClick={() => retrySince.run({ id: webhookId, since: confirm.since })} disabled={retrySince.pending}>
                {retrySince.pending ? 'Re-sending…' : `Re-send ${deliveries(confirm.count, 'failed')}`}
              </Button>
            </div>
          </div>
        ) : null}
      </Dialog>
    </section>
  );
}
