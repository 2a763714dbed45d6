export type DeliveryStatus = 'pending' | 'retrying' | 'succeeded' | 'failed' | 'skipped';

/** What a Delivery Log row says about its delivery now, whichever of its attempts the row is. */
export type DeliveryStateInput = { deliveryStatus: DeliveryStatus; deliveryAttemptCount: number; nextAttemptAt: Date | null };

export function deliveryStateText({ deliveryStatus, deliveryAttemptCount, nextAttemptAt }: DeliveryStateInput, formatTime: (d: Date) => string): string {
  switch (deliveryStatus) {
    case 'succeeded':
      return `Succeeded on attempt ${deliveryAttemptCount}`;
    case 'retrying':
      return nextAttemptAt ? `Retrying (next at ${formatTime(nextAttemptAt)})` : 'Retrying';
    case 'failed':
      return deliveryAttemptCount === 1 ? 'Failed after 1 attempt' : `Failed after ${deliveryAttemptCount} attempts`;
    case 'pending':
      return 'Waiting for its next attempt';
    case 'skipped':
      return 'Skipped while the webhook was disabled';
  }
}
