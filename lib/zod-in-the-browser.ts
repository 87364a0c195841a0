/**
 * Zod compiles its parsers with `new Function` where it may, and probes for that on first
 * use; under the pages' Content-Security-Policy (no 'unsafe-eval') the probe is reported as a
 * violation. The browser parses little: it does without (docs/security.md, "Headers").
 * Imported by lib/contract.ts, the one module that brings zod, so zod is set up wherever it
 * is loaded and pages that do not use it do not ship it (decision 016).
 */
import { config } from "zod/v4/core";

if (typeof window !== "undefined") config({ jitless: true });
