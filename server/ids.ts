import "server-only";
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** Random, unguessable, prefixed ids (`ord_…`, `usr_…`, `evt_…`): 20 chars of base36 ≈ 103 bits. */
export function newId(prefix: "ord" | "usr" | "evt" | "key" | "msg" | "we" | "ch" | "rev" | "whk" | "ses" | "acc" | "vfy" | "lab" | "req" | "bat", length = 20): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return `${prefix}_${out}`;
}
