/** How the platform portal words the API's deadlines. */
/** A deadline as the API gives it, in words: `2026-12-10（暂定）`, and whether it is past on `today`. */
export function deadlineText(due: { date: string; provisional: boolean } | undefined, today: string): { text: string; past: boolean } {
  if (!due) return { text: '—', past: false };
  return { text: `${due.date}${due.provisional ? '（暂定）' : ''}`, past: today > due.date };
}
