/** Money is integer cents inside Conveyor; these convert at the edges only. */

export function centsToMajor(cents: number): number {
  return Math.round(cents) / 100;
}

export function formatMoney(cents: number, currency = "USD", locale = "en-US"): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(cents / 100);
}
