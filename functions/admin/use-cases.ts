import { validateParameterVersion, type ParameterVersion } from '../../core/index.ts';
import { badRequest } from '../_shared/problem.ts';

/** What the schema cannot express per name: the scope fields a parameter may carry and its range. */
export const checkParameterVersion = (version: ParameterVersion): void => {
  const errors = validateParameterVersion(version);
  if (errors.length > 0) throw badRequest(errors);
};
