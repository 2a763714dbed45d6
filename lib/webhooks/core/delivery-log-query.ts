import { z } from 'zod';
import { eventTypeSchema } from './events';
import { safeString } from '@/lib/validation';

/** A day as the Delivery Log's date range takes it: YYYY-MM-DD, a UTC day like the page's times. */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD')
  .refine((value) => {
    const d = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value) && d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 9998;
  }, 'must be a real date between 2000 and 9998');

/**
 * The Delivery Log's filters as every caller takes them (the page's query string, its refresh
 * route and the management API): one schema, so they cannot drift apart.
 */
export const deliveryLogQuerySchema = z.object({
  status: z.enum(['success', 'failed']).optional().describe('Only successes or only failures'),
  event: eventTypeSchema.optional().describe('Only this event type'),
  from: day.optional().describe('Only attempts started on or after this UTC day (YYYY-MM-DD)'),
  to: day.optional().describe('Only attempts started on or before this UTC day (YYYY-MM-DD)'),
  q: safeString({ max: 200, label: 'The search' })
    .transform((s) => s.trim())
    .optional()
    .describe('A delivery id, or a value in the payload: workflow id, document number, document id, …'),
  before: z.string().max(200).optional().describe('The nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).optional().describe('Attempts per page (default 50)'),
});

export type DeliveryLogQuery = z.output<typeof deliveryLogQuerySchema>;

/** The [from, to) instants of a day range; either end open. */
export function dayRange(from: string | undefined, to: string | undefined): { since: Date | null; until: Date | null } {
  const since = from ? new Date(`${from}T00:00:00Z`) : null;
  const until = to ? new Date(new Date(`${to}T00:00:00Z`).getTime() + 24 * 60 * 60 * 1000) : null;
  return { since, until };
}
