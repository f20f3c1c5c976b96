// Which requests apps/web/server.ts hands to the REST handler instead of Next.
export const REST_PREFIX = "/api/v1";

/** `/api/v1`, `/api/v1/…` and `/api/v1?…` (a raw request URL); not `/api/v1x` or `/api/v10`. */
export function isRestPath(url: string): boolean {
  if (!url.startsWith(REST_PREFIX)) return false;
  const next = url.charCodeAt(REST_PREFIX.length);
  return Number.isNaN(next) || next === 47 /* / */ || next === 63 /* ? */;
}
