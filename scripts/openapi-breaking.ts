/**
 * The OpenAPI breaking-change check (issue 19): compares a base document with the next one and names
 * every change that breaks a client written against the base —
 *   removed-path                 a path is gone
 *   removed-operation            a method of a path is gone
 *   removed-response-field       a field of a response body is gone (at any depth)
 *   removed-enum-value           a value of an enum in a body or a parameter is gone
 *   new-required-request-field   a request body field or a parameter is required now and was not (or is new)
 * — unless openapi/breaking-allowed.json allows it: `[{ "violation": "<the line printed>", "reason": "…" }]`,
 * a reason per entry (what the contract says about the change).
 *
 *   node --import tsx scripts/openapi-breaking.ts                  served document vs openapi/openapi.json
 *   node --import tsx scripts/openapi-breaking.ts --base <git-ref> served document vs openapi/openapi.json at <ref>
 *   node --import tsx scripts/openapi-breaking.ts --next <file>    <file> instead of the served document
 *
 * The committed-document test runs it (served vs committed), so a breaking schema change fails `npm test`
 * before its regenerated document is committed; `--base` checks a branch against a release or main.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Json = Record<string, any>;
type Allowed = { violation: string; reason: string };

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCUMENT = 'openapi/openapi.json';
const ALLOW_LIST = 'openapi/breaking-allowed.json';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

/** What a schema offers at each location: its fields, the enum values and which fields are required. */
interface Shape {
  readonly fields: Set<string>;
  readonly enums: Map<string, Set<unknown>>;
  readonly required: Set<string>;
}

const resolve = (doc: Json, schema: Json | undefined): Json | undefined => {
  if (!schema?.$ref) return schema;
  const name = String(schema.$ref).replace('#/components/schemas/', '');
  return doc.components?.schemas?.[name];
};

/** Walks a JSON schema (refs, allOf/anyOf/oneOf, arrays, records) and records its shape under `at`. */
const walk = (doc: Json, schema: Json | undefined, at: string, shape: Shape, seen: ReadonlySet<string> = new Set()): void => {
  if (schema?.$ref) {
    if (seen.has(schema.$ref)) return;
    walk(doc, resolve(doc, schema), at, shape, new Set([...seen, schema.$ref]));
    return;
  }
  if (!schema || typeof schema !== 'object') return;
  if (Array.isArray(schema.enum)) {
    const values = shape.enums.get(at) ?? new Set();
    for (const v of schema.enum) values.add(v);
    shape.enums.set(at, values);
  }
  if ('const' in schema) shape.enums.set(at, new Set([...(shape.enums.get(at) ?? []), schema.const]));
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) for (const s of schema[key] ?? []) walk(doc, s, at, shape, seen);
  if (schema.items) walk(doc, schema.items, `${at}[]`, shape, seen);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') walk(doc, schema.additionalProperties, `${at}.*`, shape, seen);
  const required = new Set<string>(schema.required ?? []);
  for (const [name, property] of Object.entries<Json>(schema.properties ?? {})) {
    const path = at ? `${at}.${name}` : name;
    shape.fields.add(path);
    if (required.has(name)) shape.required.add(path);
    walk(doc, property, path, shape, seen);
  }
};

const shapeOf = (doc: Json, schema: Json | undefined): Shape => {
  const shape: Shape = { fields: new Set(), enums: new Map(), required: new Set() };
  walk(doc, schema, '', shape);
  return shape;
};

const operationsOf = (doc: Json): Map<string, Json> => {
  const out = new Map<string, Json>();
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    for (const method of METHODS) if (item[method]) out.set(`${method.toUpperCase()} ${path}`, item[method]);
  }
  return out;
};

const jsonSchemaOf = (content: Json | undefined): Json | undefined => content?.['application/json']?.schema;

const removedEnumValues = (base: Shape, next: Shape, where: string, out: string[]): void => {
  for (const [at, values] of base.enums) {
    const now = next.enums.get(at);
    if (!now) continue; // the field itself went (reported as a removed field) or is no longer an enum (wider)
    for (const v of values) if (!now.has(v)) out.push(`removed-enum-value: ${where} ${at || '(body)'}: ${JSON.stringify(v)}`);
  }
};

/** Every breaking change from `base` to `next`, one line each (sorted). */
export function breakingChanges(base: Json, next: Json): string[] {
  const out: string[] = [];
  const nextPaths = new Set(Object.keys(next.paths ?? {}));
  for (const path of Object.keys(base.paths ?? {})) if (!nextPaths.has(path)) out.push(`removed-path: ${path}`);
  const nextOperations = operationsOf(next);
  for (const [key, before] of operationsOf(base)) {
    const after = nextOperations.get(key);
    if (!after) {
      if (nextPaths.has(key.slice(key.indexOf(' ') + 1))) out.push(`removed-operation: ${key}`);
      continue;
    }
    // Request body: new required fields, removed enum values.
    const requestBefore = shapeOf(base, jsonSchemaOf(before.requestBody?.content));
    const requestAfter = shapeOf(next, jsonSchemaOf(after.requestBody?.content));
    if (after.requestBody?.required && !before.requestBody?.required) out.push(`new-required-request-field: ${key} body`);
    for (const field of requestAfter.required) if (!requestBefore.required.has(field)) out.push(`new-required-request-field: ${key} body ${field}`);
    removedEnumValues(requestBefore, requestAfter, `${key} body`, out);
    // Parameters: new required ones, removed enum values.
    const params = (op: Json) => new Map<string, Json>((op.parameters ?? []).map((p: Json) => [`${p.in} ${p.name}`, p]));
    const paramsBefore = params(before);
    for (const [name, p] of params(after)) {
      const old = paramsBefore.get(name);
      if (p.required && !old?.required) out.push(`new-required-request-field: ${key} ${name}`);
      if (old) removedEnumValues(shapeOf(base, old.schema), shapeOf(next, p.schema), `${key} ${name}`, out);
    }
    // Responses: removed fields and enum values of every documented status's JSON body.
    for (const [status, response] of Object.entries<Json>(before.responses ?? {})) {
      const schemaBefore = jsonSchemaOf(response.content);
      if (!schemaBefore) continue;
      const responseBefore = shapeOf(base, schemaBefore);
      const responseAfter = shapeOf(next, jsonSchemaOf(after.responses?.[status]?.content));
      for (const field of responseBefore.fields) if (!responseAfter.fields.has(field)) out.push(`removed-response-field: ${key} ${status} ${field}`);
      removedEnumValues(responseBefore, responseAfter, `${key} ${status}`, out);
    }
  }
  return [...new Set(out)].sort();
}

/** The breaking changes the allow-list does not allow; throws on an entry without a reason. */
export function disallowed(changes: readonly string[], allowed: readonly Allowed[]): string[] {
  for (const entry of allowed) {
    if (typeof entry.violation !== 'string' || typeof entry.reason !== 'string' || entry.reason.trim() === '') {
      throw new Error(`${ALLOW_LIST}: every entry needs "violation" and a non-empty "reason": ${JSON.stringify(entry)}`);
    }
  }
  const ok = new Set(allowed.map((a) => a.violation));
  return changes.filter((c) => !ok.has(c));
}

export const readAllowList = (): Allowed[] => JSON.parse(readFileSync(join(ROOT, ALLOW_LIST), 'utf8'));

const main = async () => {
  const args = process.argv.slice(2);
  const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const baseRef = option('--base');
  const nextFile = option('--next');
  const base = JSON.parse(
    baseRef ? execFileSync('git', ['show', `${baseRef}:${DOCUMENT}`], { cwd: ROOT, encoding: 'utf8' }) : readFileSync(join(ROOT, DOCUMENT), 'utf8'),
  );
  const next = nextFile ? JSON.parse(readFileSync(nextFile, 'utf8')) : (await import('../functions/public/openapi.ts')).openApiDocument();
  const changes = breakingChanges(base, next);
  const failing = disallowed(changes, readAllowList());
  const against = `${nextFile ?? 'the served document'} against ${baseRef ? `${DOCUMENT} at ${baseRef}` : DOCUMENT}`;
  if (failing.length === 0) {
    console.log(`no breaking change (${against}${changes.length ? `; ${changes.length} allowed by ${ALLOW_LIST}` : ''})`);
    return;
  }
  console.error(`${failing.length} breaking change(s) in ${against}:`);
  for (const c of failing) console.error(`  ${c}`);
  console.error(`Keep the contract, or add each line with its reason to ${ALLOW_LIST}.`);
  process.exitCode = 1;
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
