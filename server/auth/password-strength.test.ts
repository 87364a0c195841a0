import { describe, expect, it } from "vitest";
import { hashStrongPassword, weakPasswordReason } from "./password-strength";

describe("password strength", () => {
  it("refuses what guessers try first, whatever its length", async () => {
    for (const weak of ["12345678", "password123", "qwertyuiop", "letmein123", "Password123!"]) {
      expect(await weakPasswordReason(weak), weak).toEqual(expect.any(String));
      await expect(hashStrongPassword(weak)).rejects.toMatchObject({ statusCode: 400, body: { code: "PASSWORD_TOO_WEAK" } });
    }
  });

  it("takes passphrases and hashes them", async () => {
    for (const strong of ["correct horse battery", "a-shopper-password", "Sup3r-secret!"]) {
      expect(await weakPasswordReason(strong), strong).toBeNull();
      expect(await hashStrongPassword(strong)).toMatch(/:/);
    }
  });
});
