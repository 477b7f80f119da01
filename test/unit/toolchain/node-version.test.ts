/**
 * Development and tests run on Node 24 LTS, as the functions do in Lambda (NODEJS_24_X), whatever Node
 * the machine has: the npm `node` package (devDependency) puts Node 24 first on the PATH of npm scripts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('toolchain', () => {
  it('runs the tests on Node 24', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
  });

  it("pins the npm 'node' package to a 24.x version and allows its install script", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    expect(pkg.devDependencies.node).toMatch(/^24\.\d+\.\d+$/);
    expect(pkg.allowScripts.node).toBe(true);
  });
});
