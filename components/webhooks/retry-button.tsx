'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { retryDeliveryAction } from '@/lib/webhooks/actions/delivery-actions';

/** Re-sends a delivery's stored payload; the new attempt shows up in the log marked manual. */
export function RetryButton({ deliveryId, onRetried }: { deliveryId: string; onRetried?: () => void }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  async function retry() {
    setPending(true);
    setError(undefined);
    const result = await retryDeliveryAction({ deliveryId }).catch(() => null);
    setPending(false);
    if (!result?.ok) return setError(result?.formError ?? 'Retry failed to start.');
    onRetried?.();
    router.refresh();
  }
  return (
    <span className="inline-flex items-center gap-2">
      <Button variant="secondary" onClick={retry} disabled={pending}>
        {pending ? 'Retrying…' : 'Retry'}
      </Button>
      {error ? <span className="text-xs text-red-600">{error}</span> : null}
    </span>
  );
}
