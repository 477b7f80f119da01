/**
 * How every Lambda bundle is built, in one place: the function construct (lib/constructs/function.ts) passes
 * it to NodejsFunction, and the cold-start benchmark (bench/cold-start.ts) passes the same values to
 * esbuild's API, so the measured bundles are the deployed ones. Plain data: no CDK import.
 *
 * ESM for Node 24, the AWS SDK bundled (deterministic versions, faster cold starts than the runtime's SDK),
 * minified, a linked source map without the sources' content.
 */

/** ESM needs `require` for the CommonJS dependencies esbuild inlines (toolchain.md). */
const ESM_REQUIRE_BANNER = "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

export const LAMBDA_BUNDLING = {
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  /** Nothing external: the SDK is bundled too. */
  externalModules: [] as string[],
  minify: true,
  sourceMap: true,
  sourcesContent: false,
} as const;
