/** asl-validator 4 ships no type declarations. */
declare module 'asl-validator' {
  const validator: (definition: unknown, options?: Record<string, unknown>) => { isValid: boolean; errors: unknown[] };
  export default validator;
}
