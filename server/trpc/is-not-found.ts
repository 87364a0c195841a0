import { TRPCError } from "@trpc/server";

/** A procedure's 404 (someone else's order, an unknown SKU): pages answer with the 404 page. */
export function isNotFound(err: unknown): boolean {
  return err instanceof TRPCError && err.code === "NOT_FOUND";
}
