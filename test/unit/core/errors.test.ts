import { describe, expect, it } from 'vitest';
import { DOMAIN_ERROR_NAMES, DomainError, isDomainError } from '../../../core/index.ts';

describe('domain errors', () => {
  it('carry a typed name and details', () => {
    const e = new DomainError('MissingRate', 'no rate', { province: '110000' });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('MissingRate');
    expect(e.details).toEqual({ province: '110000' });
    expect(new DomainError('ValidationError', 'bad').details).toEqual({});
    expect(isDomainError(e)).toBe(true);
    expect(isDomainError(e, 'MissingRate')).toBe(true);
    expect(isDomainError(e, 'NotEnrolled')).toBe(false);
    expect(isDomainError(new Error('x'))).toBe(false);
    expect(DOMAIN_ERROR_NAMES).toContain('LateApplication');
  });
});
