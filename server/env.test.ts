import { describe, expect, it } from "vitest";
import { DEV_ADMIN_EMAIL, DEV_ADMIN_PASSWORD, DEV_AUTH_SECRET, DEV_WEBHOOK_SECRET, isConfigurationError, loadEnv } from "./env";

const PRODUCTION = {
  NODE_ENV: "production",
  PAYMENT_WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString("base64")}`,
  BETTER_AUTH_SECRET: "a-production-auth-secret-of-more-than-32-characters",
};

/** The one line a process prints when it refuses `source`. */
function refusal(source: Record<string, string>): string {
  try {
    loadEnv(source);
  } catch (err) {
    if (isConfigurationError(err)) return err.message;
    throw err;
  }
  throw new Error("the configuration was accepted");
}

describe("configuration outside production", () => {
  it("needs nothing set: the documented development defaults stand in", () => {
    for (const NODE_ENV of ["development", "test"]) {
      expect(loadEnv({ NODE_ENV })).toMatchObject({
        PAYMENT_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET,
        BETTER_AUTH_SECRET: DEV_AUTH_SECRET,
        ADMIN_EMAIL: DEV_ADMIN_EMAIL,
        ADMIN_PASSWORD: DEV_ADMIN_PASSWORD,
      });
    }
    expect(loadEnv({}).NODE_ENV).toBe("development");
  });

  it("still refuses a webhook secret whose key would be empty", () => {
    expect(refusal({ PAYMENT_WEBHOOK_SECRET: "whsec_====" })).toContain("PAYMENT_WEBHOOK_SECRET");
  });
});

describe("configuration in production", () => {
  it("runs with its own secrets, and seeds no admin without ADMIN_EMAIL", () => {
    const config = loadEnv(PRODUCTION);
    expect(config).toMatchObject({ PAYMENT_WEBHOOK_SECRET: PRODUCTION.PAYMENT_WEBHOOK_SECRET, BETTER_AUTH_SECRET: PRODUCTION.BETTER_AUTH_SECRET });
    expect(config.ADMIN_EMAIL).toBeUndefined();
    expect(config.ADMIN_PASSWORD).toBeUndefined();
    expect(loadEnv({ ...PRODUCTION, ADMIN_EMAIL: "ops@example.test", ADMIN_PASSWORD: "twelve-chars" })).toMatchObject({ ADMIN_EMAIL: "ops@example.test" });
  });

  const refused: [string, Record<string, string>, string][] = [
    ["no webhook secret", { PAYMENT_WEBHOOK_SECRET: "" }, "PAYMENT_WEBHOOK_SECRET is not set"],
    ["the committed webhook secret", { PAYMENT_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET }, "PAYMENT_WEBHOOK_SECRET is the development default committed in the repository"],
    ["a short webhook secret", { PAYMENT_WEBHOOK_SECRET: "whsec_c2hvcnQ=" }, "PAYMENT_WEBHOOK_SECRET is too short (14 characters)"],
    ["the committed secret as the previous one", { PAYMENT_WEBHOOK_SECRET_PREVIOUS: DEV_WEBHOOK_SECRET }, "PAYMENT_WEBHOOK_SECRET_PREVIOUS is the development default"],
    ["a short previous secret", { PAYMENT_WEBHOOK_SECRET_PREVIOUS: "whsec_c2hvcnQ=" }, "PAYMENT_WEBHOOK_SECRET_PREVIOUS is too short"],
    ["a previous secret that is not whsec_<base64>", { PAYMENT_WEBHOOK_SECRET_PREVIOUS: "x".repeat(40) }, "PAYMENT_WEBHOOK_SECRET_PREVIOUS: must be whsec_<base64>"],
    ["no auth secret", { BETTER_AUTH_SECRET: "" }, "BETTER_AUTH_SECRET is not set"],
    ["a short auth secret", { BETTER_AUTH_SECRET: "x".repeat(31) }, "BETTER_AUTH_SECRET is too short (31 characters)"],
    ["the committed auth secret", { BETTER_AUTH_SECRET: DEV_AUTH_SECRET }, "BETTER_AUTH_SECRET is the development default"],
    ["an admin without a password", { ADMIN_EMAIL: "ops@example.test" }, "ADMIN_PASSWORD is not set: production needs it with ADMIN_EMAIL"],
    ["the committed admin password", { ADMIN_EMAIL: "ops@example.test", ADMIN_PASSWORD: DEV_ADMIN_PASSWORD }, "ADMIN_PASSWORD is the development default"],
    ["a short admin password", { ADMIN_EMAIL: "ops@example.test", ADMIN_PASSWORD: "eleven-char" }, "ADMIN_PASSWORD is too short (11 characters)"],
    ["a short health token", { HEALTH_TOKEN: "tiny-token" }, "HEALTH_TOKEN is too short"],
  ];
  it.each(refused)("refuses %s, in one line naming the variable and not its value", (_name, change, expected) => {
    const line = refusal({ ...PRODUCTION, ...change });
    expect(line).toContain(expected);
    expect(line).not.toContain("\n");
    for (const value of Object.values(change).filter((v) => v.length > 0 && !v.includes("@"))) expect(line).not.toContain(value);
  });

  it("names every variable at fault at once", () => {
    const line = refusal({ NODE_ENV: "production" });
    expect(line).toMatch(/^Invalid configuration: PAYMENT_WEBHOOK_SECRET is not set.*; BETTER_AUTH_SECRET is not set/);
  });
});
