/**
 * Layering rules (issue 10, part 6), checked by `npm run deps`.
 *
 *   core/          the rules core: imports only core/ (no node:, no npm package, so no AWS SDK)
 *   manifest/      plain data: imports only manifest/
 *   functions/     Lambda code: core/, manifest/, functions/_shared/ and its own route group; never lib/,
 *                  local/, bin/, test/, scripts/, bench/, statemachines/
 *   lib/           infrastructure: lib/, manifest/, statemachines/ (ASL loader); knows functions by entry path only
 *   statemachines/ ASL + its substitutions: core/, manifest/, statemachines/
 *   local/         the local runtime: anything but lib/, bin/, test/, scripts/, bench/
 *
 * TypeScript 7 (the native compiler) has no JS API that dependency-cruiser can use (it supports
 * typescript < 7), so the TypeScript sources are parsed with swc (`parser: 'swc'`, which needs the
 * `@swc/core` devDependency). Without a parser dependency-cruiser silently skips every .ts file and
 * "passes" having checked nothing, so this config refuses to run without it.
 */
const { realpathSync } = require('node:fs');
const { dirname } = require('node:path');

// Resolved as dependency-cruiser itself resolves it: from the running depcruise's own folder (else from here).
const from = process.argv[1] ? dirname(realpathSync(process.argv[1])) : __dirname;
try {
  require.resolve('@swc/core', { paths: [from] });
} catch {
  throw new Error(
    'dependency-cruiser cannot parse TypeScript here without @swc/core (TypeScript 7 has no JS API it supports): ' +
      'add "@swc/core" to devDependencies (npm i -D @swc/core).',
  );
}

/** Route groups: functions/<group>/… */
const GROUP = '^functions/([^/]+)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Modules in a cycle cannot be read, tested or moved apart (and a value cycle makes import order matter). Type-only edges count: a cycle through a type is still a tangle.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing (a typo, a deleted file, a package not installed).',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-non-package-json',
      severity: 'error',
      comment: 'An npm package imported but not declared in package.json (it only works by hoisting luck).',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },

    // core/: pure TypeScript.
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'core/ is the pure rules core: it imports only core/ (no functions/, manifest/, node: built-ins or npm packages, so no AWS SDK).',
      from: { path: '^core/' },
      to: { pathNot: '^core/' },
    },

    // manifest/: plain data.
    {
      name: 'manifest-is-plain-data',
      severity: 'error',
      comment: 'manifest/ is plain data that lib/, functions/ and local/ import: it imports only manifest/.',
      from: { path: '^manifest/' },
      to: { pathNot: '^manifest/' },
    },

    // functions/: Lambda code.
    {
      name: 'functions-not-to-outer-layers',
      severity: 'error',
      comment:
        'Lambda code never imports the infrastructure, the local runtime or dev-only code (lib/, local/, bin/, test/, scripts/, bench/, statemachines/).',
      from: { path: '^functions/' },
      to: { path: '^(lib|local|bin|test|scripts|bench|statemachines)/' },
    },
    {
      name: 'no-sibling-route-group',
      severity: 'error',
      comment:
        "A route group imports functions/_shared/ and its own group, never a sibling's internals (functions/_shared/ imports no route group). " +
        'functions/public/openapi.ts is the exception, in the next rule.',
      from: { path: GROUP, pathNot: '^functions/public/openapi[.]ts$' },
      to: { path: '^functions/', pathNot: ['^functions/$1/', '^functions/_shared/'] },
    },
    {
      name: 'openapi-reads-only-schemas',
      severity: 'error',
      comment:
        "functions/public/openapi.ts builds the OpenAPI document from every group's zod schemas: it may read functions/<group>/schemas.ts and nothing else of a sibling.",
      from: { path: '^functions/public/openapi[.]ts$' },
      to: { path: '^functions/', pathNot: ['^functions/public/', '^functions/_shared/', '^functions/[^/]+/schemas[.]ts$'] },
    },
    {
      name: 'runtime-not-to-dev-dependencies',
      severity: 'error',
      comment:
        'Code that runs in Lambda (functions/ and what it imports: core/, manifest/) uses only "dependencies": ' +
        'esbuild bundles them and a devDependency there is missing or unpinned in production. Type-only imports (e.g. @types/aws-lambda) are erased.',
      from: { path: '^(functions|core|manifest)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },

    // lib/: infrastructure.
    {
      name: 'lib-not-to-runtime-code',
      severity: 'error',
      comment: 'lib/ knows functions by their entry path (manifest/) only: it never imports functions/, local/, core/, test/, scripts/ or bench/.',
      from: { path: '^lib/' },
      to: { path: '^(functions|local|core|test|scripts|bench|bin)/' },
    },

    // statemachines/: ASL files and their substitutions.
    {
      name: 'statemachines-layer',
      severity: 'error',
      comment: 'statemachines/ (loaded by lib/ and local/) imports only core/, manifest/ and statemachines/.',
      from: { path: '^statemachines/' },
      to: { path: '^(functions|lib|local|bin|test|scripts|bench)/' },
    },

    // local/: the runtime behind `npm start`.
    {
      name: 'local-not-to-infrastructure-or-tests',
      severity: 'error',
      comment: 'local/ runs the handlers as AWS would; it reads manifest/, never the CDK code (lib/, bin/) or test/, scripts/, bench/.',
      from: { path: '^local/' },
      to: { path: '^(lib|bin|test|scripts|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(cdk[.]out|coverage)/' },
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    // `import type` edges count too (a type from functions/ in core/ is still a layering violation).
    tsPreCompilationDeps: true,
    moduleSystems: ['es6', 'cjs'],
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
