/**
 * The zod the functions validate with: `zod/mini`, the functional, tree-shakable API of the same zod 4
 * package (same core, same issues), so a bundle carries only the schema kinds and checks it uses instead
 * of all of zod classic (≈ 444 KiB minified in every bundle before; docs/benchmarks.md §4).
 *
 * Import it as a namespace, `import * as z from '../_shared/zod.ts'`, never re-export the namespace as a
 * value (`export { z }`): esbuild then keeps every export of zod/mini and every locale in the bundle.
 *
 * Two things classic does by itself that mini leaves to the caller, done here for every importer:
 * - English error messages (`config(en())`); without it mini answers "Invalid input" for every issue, and
 *   the API's problem+json `errors[].message` carries zod's default wording for built-in checks.
 * - `withMeta(schema, data)`: classic's `schema.meta(data)`, a clone of the schema with `data` in zod's
 *   global registry, which zod-openapi reads (`id`, `description`, `example`).
 */
import { en } from 'zod/locales';
import { clone, config, globalRegistry, type core, type ZodMiniType } from 'zod/mini';

config(en());

export * from 'zod/mini';

/** Classic's `schema.meta(data)`: a clone of `schema` registered with `data` in the global registry. */
export const withMeta = <T extends ZodMiniType>(schema: T, data: core.GlobalMeta): T => {
  const registered = clone(schema);
  globalRegistry.add(registered, data);
  return registered;
};
