/** The rules core: pure TypeScript, no AWS imports. Everything other code needs is exported here. */
export * from './errors.ts';
export * from './money.ts';
export * from './time.ts';
export * from './identity.ts';
export * from './rule-tables.ts';
export * from './industries.ts';
export * from './provinces.ts';
export * from './parameters.ts';
export * from './contributions.ts';
export * from './coverage.ts';
export * from './calendar.ts';
export * from './deadlines.ts';
export * from './retirement.ts';
export * from './benefits.ts';
export * from './rules-doc.ts';
