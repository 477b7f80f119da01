/**
 * The zod the functions validate with: `zod/mini`, the functional, tree-shakable API of the same zod 4
 * package (same core, same issues), so a bundle carries only the schema kinds and checks it uses instead
 * of all of zod classic (≈ 444 KiB minified in every bundle before; docs/benchmarks.md §4).
 *
 * Import it as a namespace, `import * as z from '../_shared/zod.ts'`, never re-export the namespace as a
 * value (`export { z }`): esbuild then keeps every export of zod/mini and every locale in the bundle.
 *
 * Two things classic does by itself that mini leaves to the caller, done here for every importer:
 * - Error messages in simplified Chinese (`config(zhCN())`, issue 19: the people who read field errors read
 *   Chinese); without a locale mini answers "Invalid input" for every issue. A missing required field says
 *   so instead of zod's "expected string, received undefined".
 * - `withMeta(schema, data)`: classic's `schema.meta(data)`, a clone of the schema with `data` in zod's
 *   global registry, which zod-openapi reads (`id`, `description`, `example`).
 */
import { zhCN } from 'zod/locales';
import { clone, config, globalRegistry, type core, type ZodMiniType } from 'zod/mini';

const chinese = zhCN().localeError;
// `customError`, not `localeError`: zod classic (imported by zod-openapi in the public function, and by
// anything else in the same process) sets `localeError` to English when it loads; `customError` wins over it.
config({
  customError: (issue) =>
    issue.code === 'invalid_type' && issue.input === undefined ? `缺少必填字段：请提供此字段（类型 ${issue.expected}）。` : chinese(issue),
});

export * from 'zod/mini';

/** Classic's `schema.meta(data)`: a clone of `schema` registered with `data` in the global registry. */
export const withMeta = <T extends ZodMiniType>(schema: T, data: core.GlobalMeta): T => {
  const registered = clone(schema);
  globalRegistry.add(registered, data);
  return registered;
};
