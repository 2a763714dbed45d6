import { NextResponse, type NextRequest } from 'next/server';
import { contentSecurityPolicy, newNonce } from '@/lib/http/security-headers';

/**
 * Gives every page its Content-Security-Policy with a fresh nonce. Next reads the nonce from the
 * policy on the request and stamps it on the scripts it renders, which is why every page renders
 * dynamically (see app/layout.tsx). The headers that never change come from next.config.mjs.
 */
export function proxy(request: NextRequest) {
  const https = request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
  const policy = contentSecurityPolicy({ nonce: newNonce(), development: process.env.NODE_ENV === 'development', https });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('Content-Security-Policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', policy);
  return response;
}

export const config = {
  // Static files and images carry no scripts; the API answers JSON (next.config.mjs still gives both the fixed headers).
  matcher: [{ source: '/((?!api/|_next/static|_next/image|favicon.ico).*)' }],
};
