import { validate } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./document";

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const document = buildOpenApiDocument("http://127.0.0.1:3000");
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, JSON.stringify(result)).toBe(true);
    expect(document.openapi).toBe("3.1.0");
  });

  it("describes every REST route with the shared error body", () => {
    const document = buildOpenApiDocument();
    expect(Object.keys(document.paths ?? {}).sort()).toEqual(
      [
        "/api/health",
        "/api/orders",
        "/api/orders/events",
        "/api/orders/{id}",
        "/api/orders/{id}/cancel",
        "/api/orders/{id}/events",
        "/api/batches",
        "/api/batches/{id}",
        "/api/batches/{id}/cancel",
        "/api/batches/{id}/events",
        "/api/batches/{id}/results",
        "/api/webhook-endpoints",
        "/api/webhook-endpoints/{id}",
        "/api/webhook-endpoints/{id}/rotate-secret",
        "/api/webhook-endpoints/{id}/deliveries",
        "/api/webhook-endpoints/{id}/deliveries/{message_id}/retry",
        "/webhooks/payments",
      ].sort(),
    );
    expect(Object.keys(document.webhooks ?? {}).sort()).toEqual(["batch.completed", "order.status_changed", "payment.event"]);
    const placeOrder = document.paths?.["/api/orders"]?.post;
    expect(Object.keys(placeOrder?.responses ?? {})).toEqual(expect.arrayContaining(["201", "202", "400", "409", "413", "415", "422", "429", "503"]));
    expect(document.components?.schemas).toHaveProperty("Error");
    expect(document.components?.schemas).toHaveProperty("Order");
  });
});
