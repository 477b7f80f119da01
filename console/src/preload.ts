/**
 * The page a signed-in person opens is fetched while the runtime configuration loads, not after: its chunk
 * (React.lazy in App.tsx imports the same module, so it is then already there). Only the heavy staff pages;
 * anything else loads when App renders it.
 */
const PAGES: readonly (readonly [RegExp, () => Promise<unknown>])[] = [
  [/^\/cases\/?$/, () => import('./pages/Queue.tsx')],
  [/^\/cases\/[^/]+$/, () => import('./pages/CasePage.tsx')],
];

export function preloadPage(pathname: string, signedIn: boolean): void {
  if (!signedIn) return;
  const page = PAGES.find(([path]) => path.test(pathname));
  // A failed preload is retried by React.lazy when the page renders; nothing to report here.
  page?.[1]().catch(() => undefined);
}
