'use client';

import { Button } from '@/components/ui/button';
import { useAction } from '@/components/use-action';
import { retryDeliveryAction } from '@/lib/webhooks/actions/delivery-actions';

/** Re-sends a delivery's stored payload; the new attempt shows up in the log marked manual. */
export function RetryButton({ deliveryId, onRetried }: { deliveryId: string; onRetried?: () => void }) {
  const retry = useAction(retryDeliveryAction, { onSuccess: onRetried, failure: 'Retry failed to start.' });
  return (
    <span className="inline-flex items-center gap-2">
      <Button variant="secondary" onClick={() => retry.run({ deliveryId })} disabled={retry.pending}>
        {retry.pending ? 'Retrying…' : 'Retry'}
      </Button>
      {retry.message ? <span className="text-xs text-red-600">{retry.message}</span> : null}
    </span>
  );
}
