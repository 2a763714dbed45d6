import { NextResponse, type NextRequest } from 'next/server';
import { contentSecurityPolicy, newNonce } from '@/lib/http/security-headers';

/**
 * Gives every page its Content-Security-Policy with a fresh nonce. Next reads the nonce from the
 * policy on the request and stamps it on the scripts it renders, which is why every page renders
 * dynamically (see app/layout.tsx). The headers that never change come from next.config.mjs.
 */
export function proxy(request: NextRequest) {
  // A path whose escapes are not UTF-8 (e.g. %ED%A0%80) would fail Next's own decoding of the route's params.
  try {
    decodeURIComponent(request.nextUrl.pathname);
  } catch {
    return new NextResponse('Bad request: the address is not valid UTF-8.', { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
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
