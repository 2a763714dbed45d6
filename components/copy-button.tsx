'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';

/** Copies `text` to the clipboard; says so for a moment (politely announced). `label` names what is copied, for screen readers. */
export function CopyButton({ text, label = 'Copy', idleText = 'Copy', className = '' }: { text: string; label?: string; idleText?: string; className?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2000);
  }

  return (
    <Button variant="secondary" onClick={copy} aria-label={label} className={className}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : idleText}
    </Button>
  );
}
