import "server-only";
import { badRequest } from "@/server/errors";

/** The page size a listing serves: the request's, else `fallback`, clamped to 1…`max`. */
export function pageSize(requested: number | undefined, fallback: number, max: number): number {
  return Math.min(Math.max(requested ?? fallback, 1), max);
}

/**
 * An opaque keyset cursor over an arrival number (`seq`): base64url of `{tag}:{seq}`. The tag
 * keeps one listing's cursor from being read as another's; a cursor that does not decode is a 400.
 */
export function seqCursor(tag: string): { encode(seq: number): string; decode(cursor: string): number } {
  const pattern = new RegExp(`^${tag}:(\\d{1,15})$`);
  return {
    encode: (seq) => Buffer.from(`${tag}:${seq}`).toString("base64url"),
    decode(cursor) {
      const match = pattern.exec(Buffer.from(cursor, "base64url").toString("utf8"));
      if (!match?.[1]) throw badRequest("The cursor is not valid; pass the next_cursor of a previous page.");
      return Number(match[1]);
    },
  };
}
