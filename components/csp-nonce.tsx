'use client';

import { setNonce } from 'get-nonce';
import { z } from 'zod';

// zod probes `new Function` to speed up parsing; under the Content-Security-Policy that probe is a violation.
z.config({ jitless: true });

// The dialogs' scroll lock adds a <style> element while a dialog is open; it needs the nonce of the
// document's policy. That is the one on the scripts of the first response: a client-side navigation
// fetches a new policy with a new nonce, but the document keeps enforcing the first.
if (typeof document !== 'undefined') {
  const nonce = document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce;
  if (nonce) setNonce(nonce);
}

/** Rendered once in the root layout so the lines above run on every page. */
export function CspNonce() {
  return null;
}
