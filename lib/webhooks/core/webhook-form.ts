import { z } from 'zod';
import { isStorableDate, unsafeStringReason } from '@/lib/validation';
import { eventTypeSchema } from './events';

/** Single-line text PostgreSQL can store: no NUL, control characters or line breaks. */
const singleLine = (label: string) => (value: string, ctx: z.RefinementCtx) => {
  const reason = unsafeStringReason(value);
  if (reason) ctx.addIssue({ code: 'custom', message: `${label} ${reason}` });
};

/** Rules shared by the webhook dialog (in the browser) and the server actions. */
export const webhookName = z
  .string()
  .trim()
  .min(1, 'Enter a name')
  .max(100, 'The name can be at most 100 characters')
  .superRefine(singleLine('The name'));

export const endpointUrl = z
  .string()
  .trim()
  .min(1, 'Enter the endpoint URL')
  .max(2048, 'The URL can be at most 2,048 characters')
  .superRefine(singleLine('The URL'))
  .refine((value) => URL.canParse(value), 'Enter an absolute URL, e.g. https://your-system.com/kazinex-webhook')
  .refine((value) => !URL.canParse(value) || ['https:', 'http:'].includes(new URL(value).protocol), 'The URL must start with https://');

export const webhookSecret = z
  .string()
  .min(16, 'The secret must be at least 16 characters')
  .max(256, 'The secret can be at most 256 characters')
  .regex(/^[\x20-\x7E]+$/, 'The secret can contain only printable characters');

export const webhookFormSchema = z.object({
  name: webhookName,
  url: endpointUrl,
  secret: webhookSecret,
  active: z.boolean(),
});

/** Editing keeps the stored secret unless a new one is entered. */
export const webhookEditFormSchema = webhookFormSchema.extend({
  id: z.string().min(1).max(64),
  secret: z.union([z.literal(''), webhookSecret]),
});

export const webhookIdSchema = z.object({ id: z.string().min(1).max(64) });

export const subscriptionsSchema = z.object({
  id: z.string().min(1).max(64),
  eventTypes: z.array(eventTypeSchema).max(7),
});

export const subscriptionRemovalSchema = z.object({ id: z.string().min(1).max(64), eventType: eventTypeSchema });

export const webhookActiveSchema = z.object({ id: z.string().min(1).max(64), active: z.boolean() });

/** *Retry failed since …*: a moment in the past that PostgreSQL can store. */
export const retrySinceSchema = z.iso
  .datetime({ offset: true, message: 'Choose a date and time' })
  .refine((v) => isStorableDate(new Date(v)), 'Choose a date and time')
  .refine((v) => new Date(v).getTime() <= Date.now(), 'Choose a time in the past');
export type WebhookForm = z.output<typeof webhookFormSchema>;
export type WebhookEditForm = z.output<typeof webhookEditFormSchema>;

/** A strong random secret in the tutorial's style ("wh_…"): 32 random bytes as hex. */
export function generateSecret(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return `wh_${hex}`;
}
