import Link from 'next/link';
import { signOutAction } from '@/lib/auth/actions';
import { requireUser } from '@/lib/auth/session';

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3 sm:px-6">
          <div className="flex items-center gap-6 sm:gap-8">
            <Link href="/settings/webhooks" className="text-base font-semibold text-brand-700">
              Kazinex
            </Link>
            <nav aria-label="Main">
              <Link href="/settings" className="text-sm font-medium text-slate-700 hover:text-slate-900">
                Settings
              </Link>
            </nav>
          </div>
          <div className="flex min-w-0 items-center gap-4 text-sm text-slate-600">
            <span className="block min-w-0 truncate" title={user.email}>
              {user.email} · {user.role === 'org_admin' ? 'Org Admin' : 'Member'}
            </span>
            <form action={signOutAction}>
              <button type="submit" className="shrink-0 font-medium text-slate-700 hover:text-slate-900">
                Sign out
              </button>
            </form>
          </div>
        </div>
      </header>
      {children}
    </div>
  );
}
