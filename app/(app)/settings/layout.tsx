import { SettingsNav } from '@/components/settings-nav';

/** The settings pages: a side menu on wide screens; on a phone the menu is a row of links above the page. */
export default function SettingsLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="mx-auto flex max-w-6xl flex-col gap-4 px-4 py-4 sm:px-6 md:flex-row md:gap-8 md:py-8">
      <aside className="md:w-44 md:shrink-0">
        <h2 className="sr-only px-2 text-xs font-semibold uppercase tracking-wide text-slate-600 md:not-sr-only">Settings</h2>
        <SettingsNav />
      </aside>
      <main className="min-w-0 flex-1">{children}</main>
    </div>
  );
}
