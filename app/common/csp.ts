/**
 * The Content-Security-Policy of the workbench, the same in the desktop window and in
 * browser mode: scripts, styles, workers and connections only from the app itself.
 * `style-src 'unsafe-inline'`: Monaco and Plotly set element styles at run time;
 * `blob:` workers and images: Monaco's language workers and Plotly's PNG export.
 */
export function contentSecurityPolicy(connectSrc: string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    `connect-src 'self' ${connectSrc.join(' ')}`.trim(),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
