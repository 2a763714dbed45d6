import Link from 'next/link';
import { signOutAction } from '@/lib/auth/actions';
import { requireUser } from '@/lib/auth/session';

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center justify-between px-6 py-3">
          <div className="flex items-center gap-8">
            <Link href="/settings/webhooks" className="text-base font-semibold text-brand-700">
              Kazinex
            </Link>
            <nav aria-label="Main">
              <Link href="/settings" className="text-sm font-medium text-slate-700 hover:text-slate-900">
                Settings
              </Link>
            </nav>
          </div>
          <div className="flex items-center gap-4 text-sm text-slate-600">
            <span>
              {user.email} · {user.role === 'org_admin' ? 'Org Admin' : 'Member'}
            </span>
            <form action={signOutAction}>
              <button type="submit" className="font-medium text-slate-700 hover:text-slate-900">
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
