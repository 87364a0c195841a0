import "server-only";
import type { ZxcvbnFactory } from "@zxcvbn-ts/core";
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

let estimator: Promise<ZxcvbnFactory> | undefined;

/**
 * zxcvbn with its dictionaries, loaded on the first password checked: importing them unpacks
 * their word lists (about 9 MB of a web process's resident memory, and CPU at start), which
 * every web process paid when it started — each test stack's and each launcher restart's
 * included — though most never see a password.
 */
function passwordEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common, english] = await Promise.all([
      import("@zxcvbn-ts/core"),
      import("@zxcvbn-ts/language-common"),
      import("@zxcvbn-ts/language-en"),
    ]);
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...english.dictionary },
      graphs: common.adjacencyGraphs,
      translations: english.translations,
    });
  })();
  return estimator;
}

/** Why `password` is too weak, or null. */
export async function weakPasswordReason(password: string): Promise<string | null> {
  const { score, feedback } = (await passwordEstimator()).check(password);
  if (score >= MIN_PASSWORD_SCORE) return null;
  return [feedback.warning, ...feedback.suggestions].filter(Boolean).join(" ") || "This password is too easy to guess.";
}

/**
 * better-auth hashes every new password through this (sign-up, and any password change), before
 * it stores anything: a weak one is refused there with a 400 the form shows.
 */
export async function hashStrongPassword(password: string): Promise<string> {
  const reason = await weakPasswordReason(password);
  if (reason) throw new APIError("BAD_REQUEST", { code: "PASSWORD_TOO_WEAK", message: `Choose a stronger password. ${reason}` });
  return hashPassword(password);
}
