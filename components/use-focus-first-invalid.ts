'use client';

import { useEffect, type RefObject } from 'react';

/**
 * After a refused save, moves focus to the first field marked invalid in `container`, so a
 * keyboard or screen reader user lands on what needs fixing. `errors` lists the fields in error;
 * it runs again whenever that list changes to a non-empty one (or `attempt` counts another try).
 */
export function useFocusFirstInvalid(container: RefObject<HTMLElement | null>, errors: Record<string, unknown>, attempt: number) {
  const key = Object.keys(errors).filter((k) => errors[k]).join(',');
  useEffect(() => {
    if (!key) return;
    container.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [container, key, attempt]);
}
