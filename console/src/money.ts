/** `'1234.5'` (元 as typed) → `123450` fen, from the digits (never through a float); undefined when not an amount. */
export function fenOf(yuanText: string | number | null | undefined): number | undefined {
  if (yuanText === null || yuanText === undefined) return undefined;
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(String(yuanText).trim());
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}
