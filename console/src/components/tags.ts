/** Tag text colours dark enough for WCAG AA (4.5:1) on antd's light tag backgrounds (its defaults are about 3:1). */
export const DARK = {
  gold: { color: '#874d00' },
  orange: { color: '#873800' },
  red: { color: '#a8071a' },
  green: { color: '#135200' },
} as const;
