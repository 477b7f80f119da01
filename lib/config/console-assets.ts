/**
 * Where the built console is, if it is built: read once by the app (lib/app.ts), never by a construct, so a
 * synth stays a function of its inputs. The console is built by `npm run build` into `console/dist`
 * (issue 13); the stacks synthesize without it (tests, a checkout that only deploys the API).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fromRepoRoot } from './paths.ts';

/** The default place of the built console. */
export const CONSOLE_DIST = fromRepoRoot('console/dist');

/** Thrown for a directory that exists but is not a built console. */
export class ConsoleAssetsError extends Error {
  override readonly name = 'ConsoleAssetsError';
}

/**
 * The directory to deploy, or undefined when it does not exist (bucket and distribution are deployed without
 * content). A directory without `index.html` is a broken or half-finished build: synth fails rather than
 * deploying it.
 */
export const consoleAssetsAt = (dir: string = CONSOLE_DIST): string | undefined => {
  if (!existsSync(dir)) return undefined;
  if (!statSync(dir).isDirectory() || !existsSync(join(dir, 'index.html'))) {
    throw new ConsoleAssetsError(`${dir} is not a built console (no index.html): build it (npm run build) or remove the directory`);
  }
  return dir;
};
