import "server-only";
import { badRequest } from "@/server/errors";
import { assertTargetAllowed, isTargetRefused, type TargetPolicy } from "./webhook-targets";

/** The URL to store for a registration, or a 400 (`invalid_request`, details.field = url) saying why it is refused. */
export async function checkedTarget(url: string, policy: TargetPolicy): Promise<string> {
  try {
    return (await assertTargetAllowed(url, policy)).toString();
  } catch (err) {
    if (isTargetRefused(err)) throw badRequest(err.message, { field: "url" });
    throw err;
  }
}
