/** Provinces (GB/T 2260 province-level codes) and the pilot's start dates (D2). */

/** All 31 mainland province-level divisions, by GB/T 2260 code. */
export const PROVINCES: Readonly<Record<string, string>> = {
  '110000': '北京',
  '120000': '天津',
  '130000': '河北',
  '140000': '山西',
  '150000': '内蒙古',
  '210000': '辽宁',
  '220000': '吉林',
  '230000': '黑龙江',
  '310000': '上海',
  '320000': '江苏',
  '330000': '浙江',
  '340000': '安徽',
  '350000': '福建',
  '360000': '江西',
  '370000': '山东',
  '410000': '河南',
  '420000': '湖北',
  '430000': '湖南',
  '440000': '广东',
  '450000': '广西',
  '460000': '海南',
  '500000': '重庆',
  '510000': '四川',
  '520000': '贵州',
  '530000': '云南',
  '540000': '西藏',
  '610000': '陕西',
  '620000': '甘肃',
  '630000': '青海',
  '640000': '宁夏',
  '650000': '新疆',
};

export interface PilotProvince {
  readonly code: string;
  readonly name: string;
  /** First date on which the pilot runs in the province (D2). */
  readonly pilotStart: string;
}

const FIRST_BATCH = ['110000', '310000', '320000', '440000', '460000', '500000', '510000'];
const SECOND_BATCH = ['120000', '130000', '210000', '330000', '340000', '350000', '370000', '420000', '450000', '640000'];

/** The pilot provinces seeded by D2 (others are configured when they join). Sorted by code. */
export const PILOT_PROVINCES: readonly PilotProvince[] = [
  ...FIRST_BATCH.map((code) => ({ code, pilotStart: '2022-07-01' })),
  ...SECOND_BATCH.map((code) => ({ code, pilotStart: '2025-07-01' })),
]
  .map(({ code, pilotStart }) => ({ code, name: PROVINCES[code]!, pilotStart }))
  .sort((a, b) => a.code.localeCompare(b.code));

/** True for a 6-digit code ending in `0000` that is one of the 31 mainland province-level codes (D2). */
export function isProvinceCode(code: string): boolean {
  return /^\d{2}0000$/.test(code) && Object.hasOwn(PROVINCES, code);
}

/** The Chinese name of a province code, or undefined. */
export function provinceName(code: string): string | undefined {
  return isProvinceCode(code) ? PROVINCES[code] : undefined;
}

/** The seeded pilot start of a province (D2), or undefined when it is not a seeded pilot province. */
export function pilotStartOf(code: string): string | undefined {
  return PILOT_PROVINCES.find((p) => p.code === code)?.pilotStart;
}
