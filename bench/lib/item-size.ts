/**
 * DynamoDB item sizes, by the documented rules (Developer Guide, "Item sizes and formats"): the UTF-8
 * length of each attribute name plus its value — strings by UTF-8 length, numbers by about one byte per
 * two significant digits plus one, booleans and null one byte, lists and maps 3 bytes plus one per
 * element plus their contents. Write units are 1 KB per item (rounded up); transactional writes cost two.
 */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string | Uint8Array }
  | { BOOL: boolean }
  | { NULL: boolean }
  | { SS: string[] }
  | { NS: string[] }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> };

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

export const numberSize = (n: string): number => {
  const digits = n.replace(/^[-+]/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
};

const valueSize = (v: AttributeValue): number => {
  if ('S' in v) return utf8(v.S);
  if ('N' in v) return numberSize(v.N);
  if ('B' in v) return typeof v.B === 'string' ? Buffer.byteLength(v.B, 'base64') : v.B.length;
  if ('BOOL' in v || 'NULL' in v) return 1;
  if ('SS' in v) return v.SS.reduce((s, x) => s + utf8(x), 0);
  if ('NS' in v) return v.NS.reduce((s, x) => s + numberSize(x), 0);
  if ('L' in v) return 3 + v.L.reduce((s, x) => s + 1 + valueSize(x), 0);
  return 3 + Object.entries(v.M).reduce((s, [k, x]) => s + 1 + utf8(k) + valueSize(x), 0);
};

export const itemSize = (item: Record<string, AttributeValue>): number => Object.entries(item).reduce((s, [name, v]) => s + utf8(name) + valueSize(v), 0);

/** Write request units for one item write of `bytes` (1 KB units), doubled inside a transaction. */
export const writeUnits = (bytes: number, transactional: boolean): number => Math.max(1, Math.ceil(bytes / 1024)) * (transactional ? 2 : 1);
