import type { NextFunction, Request, Response } from 'express';

/**
 * Headers on every response. The CSP lets only Teams, Outlook and Microsoft 365 hosts frame
 * the app (the tab runs inside them), and scripts only from our own origin (no inline script).
 * No CORS headers are ever sent: only the app's own origin can read responses in a browser.
 */
export const FRAME_ANCESTORS = [
  "'self'",
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.teams.microsoft.us',
  'https://outlook.office.com',
  'https://outlook.office365.com',
  'https://*.office.com',
  'https://*.microsoft365.com',
  'https://*.cloud.microsoft',
] as const;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Mail bodies in the dev outbox carry their own inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  // MSAL's token and discovery requests in a browser (the tab in tenant mode outside a host), and
  // teams-js's list of valid host origins (it falls back to a built-in list when unreachable).
  "connect-src 'self' https://login.microsoftonline.com https://res.cdn.office.net",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  `frame-ancestors ${FRAME_ANCESTORS.join(' ')}`,
].join('; ');

export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Cross-Origin-Opener-Policy': 'same-origin-allow-popups',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    'Cache-Control': 'no-store',
  });
  next();
}
