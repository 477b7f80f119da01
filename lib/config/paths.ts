/** Filesystem anchors for the CDK app: lib/ knows functions only by their entry path from the repo root. */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const fromRepoRoot = (relativePath: string): string => join(REPO_ROOT, relativePath);
