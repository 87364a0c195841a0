/** The provider's test payment methods (docs/api.md, "Test payment methods"), in plain words for shoppers. Client-safe. */
export const TEST_PAYMENT_METHODS = [
  { id: "pm_visa_4242", label: "Visa ending 4242", hint: "Approved" },
  { id: "pm_card_declined", label: "A card that will be declined", hint: "The bank says no" },
  { id: "pm_card_fraud", label: "A card our fraud check blocks", hint: "Flagged as fraud" },
  { id: "pm_card_risky", label: "A card that scores as high risk", hint: "Blocked by risk scoring, or held for review" },
] as const;

export function paymentMethodLabel(id: string): string {
  return TEST_PAYMENT_METHODS.find((m) => m.id === id)?.label ?? id;
}
