/** Money is integer cents inside Conveyor; these convert at the edges only. */

export function centsToMajor(cents: number): number {
  return Math.round(cents) / 100;
}

export function formatMoney(cents: number, currency = "USD", locale = "en-US"): string {
  return formatterFor(locale, currency).format(cents / 100);
}

/**
 * Making an Intl.NumberFormat costs far more than formatting with one (it loads the locale's
 * data): the worker formatted a confirmation email's lines with a new one each, a visible item
 * of its CPU profile. One per locale and currency, kept for the life of the process or page.
 */
const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) formatters.set(key, (formatter = new Intl.NumberFormat(locale, { style: "currency", currency })));
  return formatter;
}
