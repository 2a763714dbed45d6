import type { Metadata } from 'next';
import { connection } from 'next/server';
import { CspNonce } from '@/components/csp-nonce';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Kazinex', template: '%s · Kazinex' },
  description: 'Kazinex document control — webhooks for system integration',
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request, so each gets the nonce of its own Content-Security-Policy (proxy.ts).
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen">
        <CspNonce />
        {children}
      </body>
    </html>
  );
}
