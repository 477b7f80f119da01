/**
 * vitest globalSetup of the `browser` project: Debian's chromium must be installed (else the run FAILS and
 * says how to install it; nothing is downloaded from elsewhere), and the console is built when
 * console/dist is missing or older than its sources. DynamoDB Local comes from test/support/global-setup.ts.
 */
import { existsSync } from 'node:fs';
import { ensureConsoleBuilt } from '../../local/console.ts';

export const CHROMIUM = '/usr/bin/chromium';

export default function setup(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Debian's chromium at ${CHROMIUM} and Chinese fonts: apt-get install -y chromium fonts-noto-cjk (.ci/run installs them when run as root). No other browser download is used.`,
    );
  }
  ensureConsoleBuilt();
}
