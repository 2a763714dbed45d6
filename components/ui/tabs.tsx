'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export type Tab = { id: string; label: string; href: string };

export const tabId = (id: string) => `tab-${id}`;
export const tabPanelId = (id: string) => `tabpanel-${id}`;

/**
 * Tabs whose panels are pages (each tab is a link, so it can be opened in a new window and the
 * back button works). Keyboard: one tab stop (the selected tab); Left/Right move between tabs,
 * Home/End to the first and last; Enter or Space opens the focused tab's panel.
 */
export function LinkTabs({ label, tabs, selected }: { label: string; tabs: Tab[]; selected: string }) {
  const router = useRouter();
  const refs = useRef<(HTMLAnchorElement | null)[]>([]);

  function onKeyDown(event: KeyboardEvent<HTMLAnchorElement>, index: number) {
    const last = tabs.length - 1;
    const target = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last }[event.key];
    if (target !== undefined) {
      event.preventDefault();
      refs.current[target]?.focus();
    } else if (event.key === ' ') {
      event.preventDefault();
      router.push(tabs[index]!.href);
    }
  }

  return (
    <div role="tablist" aria-label={label} className="flex gap-1 overflow-x-auto border-b border-slate-200">
      {tabs.map((tab, i) => {
        const isSelected = tab.id === selected;
        return (
          <Link
            key={tab.id}
            ref={(el) => {
              refs.current[i] = el;
            }}
            href={tab.href}
            id={tabId(tab.id)}
            role="tab"
            aria-selected={isSelected}
            aria-controls={tabPanelId(tab.id)}
            tabIndex={isSelected ? 0 : -1}
            onKeyDown={(e) => onKeyDown(e, i)}
            scroll={false}
            className={`-mb-px whitespace-nowrap border-b-2 px-4 py-2 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600 ${isSelected ? 'border-brand-600 text-brand-700' : 'border-transparent text-slate-600 hover:text-slate-900'}`}
          >
            {tab.label}
          </Link>
        );
      })}
    </div>
  );
}

/**
 * The panels: the selected one holds the page's content; the others stay empty and hidden until
 * their tab is opened, so every tab's aria-controls names a panel.
 */
export function TabPanels({ tabs, selected, children }: { tabs: Tab[]; selected: string; children: ReactNode }) {
  return (
    <>
      {tabs.map((tab) =>
        tab.id === selected ? (
          <div key={tab.id} role="tabpanel" id={tabPanelId(tab.id)} aria-labelledby={tabId(tab.id)} tabIndex={0} className="space-y-6 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600">
            {children}
          </div>
        ) : (
          <div key={tab.id} role="tabpanel" id={tabPanelId(tab.id)} aria-labelledby={tabId(tab.id)} hidden />
        ),
      )}
    </>
  );
}
