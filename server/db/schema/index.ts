export * from "./catalog";
export * from "./shoppers";
export * from "./orders";
export * from "./idempotency";
export * from "./payments";
export * from "./fulfilment";
export * from "./simulators";
export * from "./workers";
