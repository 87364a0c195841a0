import "server-only";
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as english from "@zxcvbn-ts/language-en";
import { APIError } from "better-auth/api";
import { hashPassword } from "better-auth/crypto";

/**
 * zxcvbn's score (0–4) a new password must reach: 2 is "somewhat guessable — protection from
 * unthrottled online attacks"; with sign-in limited per address and per account
 * (sign-in-limits.ts) that is what an online guesser faces. It refuses the passwords every
 * guesser tries first (the top lists, keyboard walks, `password123`, dates), which a length
 * rule alone lets through. docs/security.md, "Passwords".
 */
export const MIN_PASSWORD_SCORE = 2;

let estimator: ZxcvbnFactory | undefined;

/** Why `password` is too weak, or null. Built on first use: the dictionaries take a moment to load. */
export function weakPasswordReason(password: string): string | null {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  const { score, feedback } = estimator.check(password);
  if (score >= MIN_PASSWORD_SCORE) return null;
  return [feedback.warning, ...feedback.suggestions].filter(Boolean).join(" ") || "This password is too easy to guess.";
}

/**
 * better-auth hashes every new password through this (sign-up, and any password change), before
 * it stores anything: a weak one is refused there with a 400 the form shows.
 */
export async function hashStrongPassword(password: string): Promise<string> {
  const reason = weakPasswordReason(password);
  if (reason) throw new APIError("BAD_REQUEST", { code: "PASSWORD_TOO_WEAK", message: `Choose a stronger password. ${reason}` });
  return hashPassword(password);
}
