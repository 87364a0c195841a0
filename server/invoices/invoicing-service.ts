import "server-only";
import { callService } from "@/server/downstream/call-service";
import { env } from "@/server/env";

/** The invoicing service issues an invoice number for an order; idempotent per key. */
export interface InvoicingService {
  createInvoice(request: { idempotencyKey: string; orderId: string; amountCents: number; currency: string }): Promise<{ invoiceNumber: string }>;
}

export function httpInvoicingService(baseUrl = env().INVOICING_URL): InvoicingService {
  return {
    async createInvoice(request) {
      const invoice = await callService<{ invoice_number: string }>(
        "invoicing",
        `${baseUrl}/invoices`,
        { order_id: request.orderId, amount: request.amountCents, currency: request.currency },
        request.idempotencyKey,
      );
      return { invoiceNumber: invoice.invoice_number };
    },
  };
}
