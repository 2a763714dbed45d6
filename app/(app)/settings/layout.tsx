import { SettingsNav } from '@/components/settings-nav';

export default function SettingsLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="mx-auto flex max-w-6xl gap-8 px-6 py-8">
      <aside className="w-44 shrink-0">
        <h2 className="px-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Settings</h2>
        <SettingsNav />
      </aside>
      <main className="min-w-0 flex-1">{children}</main>
    </div>
  );
}
