/**
 * How pages stay current. The gateway's schema has no subscription for these records yet, so the
 * console refreshes on a timer while the tab is visible (and on demand with each page's Refresh).
 */
export const LIVE_REFRESH_MS = Number(new URLSearchParams(window.location.search).get('refreshMs')) || 5000;

export function liveText(): string {
  return `refreshing every ${Math.round(LIVE_REFRESH_MS / 1000)} s`;
}
