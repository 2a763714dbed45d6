'use client';

import * as RadixDialog from '@radix-ui/react-dialog';
import { useLayoutEffect, useRef, type ReactNode, type RefObject } from 'react';

/**
 * A Radix dialog with the product's frame: title, optional description, body. It fits a phone's
 * screen and scrolls inside. Closing it returns focus to the control that opened it: `trigger`
 * (rendered as the Radix trigger) when given; otherwise the control that had focus as it opened,
 * for dialogs a page opens itself after a click (a confirmation that needs a count first).
 */
export function Dialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  trigger,
  returnFocusTo,
  wide = false,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: string;
  children: ReactNode;
  trigger?: ReactNode;
  /** For a dialog opened after an await: the control to focus on close (it may be disabled as the dialog opens). */
  returnFocusTo?: RefObject<HTMLElement | null>;
  wide?: boolean;
}) {
  const opener = useRef<HTMLElement | null>(null);
  // Before the content mounts and moves focus into the dialog (the portal renders a pass later).
  useLayoutEffect(() => {
    if (open && document.activeElement instanceof HTMLElement && document.activeElement !== document.body) opener.current = document.activeElement;
  }, [open]);

  function returnFocus(event: Event) {
    if (trigger) return;
    const target = returnFocusTo?.current ?? opener.current;
    opener.current = null;
    if (target?.isConnected) {
      event.preventDefault();
      target.focus();
    }
  }

  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      {trigger ? <RadixDialog.Trigger asChild>{trigger}</RadixDialog.Trigger> : null}
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
        <RadixDialog.Content
          onCloseAutoFocus={returnFocus}
          className={`fixed left-1/2 top-1/2 z-50 max-h-[calc(100dvh-2rem)] w-[calc(100vw-2rem)] -translate-x-1/2 -translate-y-1/2 overflow-y-auto overscroll-contain rounded-lg bg-white p-4 shadow-xl sm:p-6 ${wide ? 'max-w-2xl' : 'max-w-lg'}`}
        >
          <RadixDialog.Title className="pr-8 text-lg font-semibold">{title}</RadixDialog.Title>
          {description ? (
            <RadixDialog.Description className="mt-1 text-sm text-slate-600">{description}</RadixDialog.Description>
          ) : (
            <RadixDialog.Description className="sr-only">{title}</RadixDialog.Description>
          )}
          <div className="mt-4">{children}</div>
          <RadixDialog.Close className="absolute right-3 top-3 rounded p-1 text-slate-600 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600" aria-label="Close">
            ✕
          </RadixDialog.Close>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
