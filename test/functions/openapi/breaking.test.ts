/**
 * The breaking-change check (scripts/openapi-breaking.ts) fed modified copies of the document: each
 * deliberate break is named, an unchanged document has none, and the allow-list lets through exactly the
 * lines it lists, each with a reason.
 */
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../functions/public/openapi.ts';
import { breakingChanges, disallowed } from '../../../scripts/openapi-breaking.ts';

const base = JSON.parse(JSON.stringify(openApiDocument()));
const modified = (change: (doc: any) => void) => {
  const doc = structuredClone(base);
  change(doc);
  return doc;
};

describe('the OpenAPI breaking-change check', () => {
  it('finds nothing between a document and itself', () => {
    expect(breakingChanges(base, structuredClone(base))).toEqual([]);
  });

  it('names a removed response field, in every operation that returns it', () => {
    const next = modified((doc) => {
      delete doc.components.schemas.Case.properties.late;
      doc.components.schemas.Case.required = doc.components.schemas.Case.required.filter((f: string) => f !== 'late');
    });
    const changes = breakingChanges(base, next);
    expect(changes).toContain('removed-response-field: GET /v1/cases/{caseId} 200 late');
    expect(changes).toContain('removed-response-field: POST /v1/cases 201 late');
    expect(changes.every((c) => c.startsWith('removed-response-field: ') && c.endsWith(' late'))).toBe(true);
  });

  it('names a removed nested response field', () => {
    const next = modified((doc) => delete doc.components.schemas.OrdersBatchResult.properties.results.items.properties.orderId);
    expect(breakingChanges(base, next)).toEqual(['removed-response-field: POST /v1/platforms/{platformId}/orders 200 results[].orderId']);
  });

  it('names a removed enum value of a request body', () => {
    const next = modified((doc) => {
      doc.components.schemas.OpenCase.properties.kind.enum = ['injury'];
    });
    expect(breakingChanges(base, next)).toEqual(['removed-enum-value: POST /v1/cases body kind: "death"']);
  });

  it('names a new required request field', () => {
    const next = modified((doc) => doc.components.schemas.OpenCase.required.push('lateExplanation'));
    expect(breakingChanges(base, next)).toEqual(['new-required-request-field: POST /v1/cases body lateExplanation']);
  });

  it('names a new required query parameter', () => {
    const next = modified((doc) => {
      for (const p of doc.paths['/v1/cases'].get.parameters) if (p.name === 'status') p.required = true;
    });
    expect(breakingChanges(base, next)).toEqual(['new-required-request-field: GET /v1/cases query status']);
  });

  it('names a removed path and a removed operation', () => {
    const next = modified((doc) => {
      delete doc.paths['/v1/payment-runs'];
      delete doc.paths['/v1/cases/{caseId}/suspension'].delete;
    });
    expect(breakingChanges(base, next)).toEqual(['removed-operation: DELETE /v1/cases/{caseId}/suspension', 'removed-path: /v1/payment-runs']);
  });

  it('does not count an added field, operation or enum value', () => {
    const next = modified((doc) => {
      doc.components.schemas.Case.properties.note = { type: 'string' };
      doc.components.schemas.OpenCase.properties.kind.enum.push('illness');
      doc.paths['/v1/extra'] = { get: { responses: { '200': { description: 'OK' } } } };
    });
    expect(breakingChanges(base, next)).toEqual([]);
  });

  it('lets through exactly what the allow-list lists, and only with a reason', () => {
    const changes = ['removed-path: /v1/payment-runs', 'removed-enum-value: POST /v1/cases body kind: "death"'];
    expect(disallowed(changes, [{ violation: 'removed-path: /v1/payment-runs', reason: 'Contract v2: payment runs moved to the scheduler' }])).toEqual([
      'removed-enum-value: POST /v1/cases body kind: "death"',
    ]);
    expect(() => disallowed(changes, [{ violation: 'removed-path: /v1/payment-runs', reason: ' ' }])).toThrow(/non-empty "reason"/);
  });
});
