/*
 * An attempt's request headers, rebuilt from what is kept of it. Apart from sign.ts (which imports
 * the package version), so that reading the Delivery Log loads no JSON module.
 */

export const MAC_BYTES = 32;

export type SentRequest = {
  deliveryId: string;
  eventType: string;
  /** When the attempt was made: its `webhook-timestamp`. */
  at: Date;
  bodyBytes: number;
  /** From `signatureMacs`; null when the request was not signed (not sent, or no usable secret). */
  macs: Buffer | null;
  userAgent: string | null;
};

/** The headers of an attempt, in the spelling of SPEC §3, from what is kept of it (core/sign.ts makes the MACs). */
export function headersOf({ deliveryId, eventType, at, bodyBytes, macs, userAgent }: SentRequest): Record<string, string> {
  if (!macs || macs.length < 2 * MAC_BYTES) return { 'Content-Length': String(bodyBytes) };
  const entries: string[] = [];
  for (let i = MAC_BYTES; i + MAC_BYTES <= macs.length; i += MAC_BYTES) entries.push(`v1,${macs.subarray(i, i + MAC_BYTES).toString('base64')}`);
  return {
    'Content-Type': 'application/json',
    ...(userAgent === null ? {} : { 'User-Agent': userAgent }),
    'X-Kazinex-Event': eventType,
    'X-Kazinex-Delivery': deliveryId,
    'X-Kazinex-Signature': `sha256=${macs.subarray(0, MAC_BYTES).toString('hex')}`,
    'webhook-id': deliveryId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': entries.join(' '),
    'Content-Length': String(bodyBytes),
  };
}

