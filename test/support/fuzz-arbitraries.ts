/**
 * fast-check arbitraries shared by the fuzz tests (test/integration/fuzz.test.ts for the enrolment
 * endpoints, fuzz-cases.test.ts for reports, cases and payment runs): request bodies made invalid in one
 * way each — a required field missing, an unknown field, a wrong type, a huge string, an impossible date.
 */
import fc from 'fast-check';

export type Body = Record<string, unknown>;
const clone = <T>(v: T): T => structuredClone(v);
const getAt = (obj: unknown, path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], obj);
const setAt = (obj: Body, path: string, value: unknown, remove = false) => {
  const keys = path.split('.');
  const last = keys.pop()!;
  const parent = keys.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, obj);
  if (remove) delete parent[last];
  else parent[last] = value;
};

export const huge = fc.integer({ min: 1001, max: 20_000 }).map((n) => 'Ω1'.repeat(Math.ceil(n / 2)).slice(0, n));
export const badDate = fc.constantFrom(
  '2025-02-30',
  '2025-13-01',
  '20250801',
  '2025-8-1',
  '2025-08-01T25:00:00+08:00',
  '2025-08-01T10:00:00',
  'yesterday',
  '0000-00-00',
  '2025-08-01T10:00:00+24:00',
  '',
);
const wrongFor = (value: unknown) => {
  const options: fc.Arbitrary<unknown>[] = [fc.constant(null), fc.boolean(), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 })];
  if (typeof value !== 'number') options.push(fc.double({ noNaN: true }), fc.integer());
  else options.push(fc.string({ maxLength: 5 }), fc.constant(-1), fc.constant(1.5));
  if (!Array.isArray(value)) options.push(fc.array(fc.integer(), { maxLength: 2 }));
  else options.push(fc.string({ maxLength: 5 }));
  return fc.oneof(...options);
};

export interface Shape {
  /** Fields whose absence is invalid. */
  readonly required: readonly string[];
  /** String fields (a 1,001+ character value is invalid for every one). */
  readonly strings: readonly string[];
  readonly dates: readonly string[];
  /** Objects that reject unknown fields ('' is the body). */
  readonly objects: readonly string[];
}

export const invalidBody = (valid: () => Body, shape: Shape): fc.Arbitrary<{ how: string; body: Body }> =>
  fc.oneof(
    ...(shape.required.length > 0
      ? [
          fc.constantFrom(...shape.required).map((path) => {
            const body = clone(valid());
            setAt(body, path, undefined, true);
            return { how: `missing ${path}`, body };
          }),
        ]
      : []),
    fc
      .tuple(
        fc.constantFrom(...shape.objects),
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !['__proto__', 'constructor'].includes(k)),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map(([path, key, value]) => {
        const body = clone(valid());
        const target = (path === '' ? body : getAt(body, path)) as Body;
        const extraKey = Object.hasOwn(target, key) ? `${key}_extra` : key;
        target[extraKey] = value;
        return { how: `extra ${path ? `${path}.` : ''}${extraKey}`, body };
      }),
    fc.constantFrom(...shape.required, ...shape.strings).chain((path) =>
      wrongFor(getAt(valid(), path)).map((value) => {
        const body = clone(valid());
        setAt(body, path, value);
        return { how: `wrong type ${path}=${JSON.stringify(value)?.slice(0, 40)}`, body };
      }),
    ),
    fc.tuple(fc.constantFrom(...shape.strings), huge).map(([path, value]) => {
      const body = clone(valid());
      setAt(body, path, value);
      return { how: `huge ${path} (${value.length})`, body };
    }),
    ...(shape.dates.length > 0
      ? [
          fc.tuple(fc.constantFrom(...shape.dates), badDate).map(([path, value]) => {
            const body = clone(valid());
            setAt(body, path, value);
            return { how: `bad date ${path}=${value}`, body };
          }),
        ]
      : []),
  );
