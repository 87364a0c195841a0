import "server-only";
import { callService } from "@/server/downstream/call-service";
import { env } from "@/server/env";

export type EmailMessage = { to: string; subject: string; body: string; template: string; orderId?: string };

/** The email service accepts a message once per idempotency key. */
export interface EmailService {
  send(request: EmailMessage & { idempotencyKey: string }): Promise<{ messageId: string }>;
}

export function httpEmailService(baseUrl = env().EMAIL_SERVICE_URL): EmailService {
  return {
    async send(request) {
      const sent = await callService<{ id: string }>(
        "email",
        `${baseUrl}/messages`,
        { to: request.to, subject: request.subject, body: request.body, template: request.template, order_id: request.orderId },
        request.idempotencyKey,
      );
      return { messageId: sent.id };
    },
  };
}
