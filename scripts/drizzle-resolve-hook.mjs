/**
 * Loaded with `--import` before tsx by every Conveyor process (scripts/processes.ts) and by
 * the unit tests' workers (vitest.config.ts): about 0.8 s less CPU for each process start.
 *
 * Why: Node's ESM resolver finds a module's format ("module" or "commonjs") by reading the
 * package.json of its package for every module it resolves, and Node 24 parses that file's
 * `exports` again on each call. drizzle-orm's package.json is 179 KB (an export per file),
 * and a process loads about 190 of its modules, so importing drizzle cost 1.2 s of CPU in
 * plain Node (0.2 s through require). A worker, the simulators and the web server each paid
 * it at every start, as did every end-to-end stack and every unit-test file.
 *
 * What: inside drizzle-orm, an import of a relative `.js` path is resolved here, the way Node
 * would: the URL next to its parent, format "module" (the package's one package.json says
 * `"type": "module"`). Anything else goes on to Node and tsx unchanged.
 * module.registerHooks runs in the thread (Node ≥ 22.15), so the hook itself costs nothing
 * measurable.
 */
import { registerHooks } from "node:module";

const DRIZZLE = "/node_modules/drizzle-orm/";

registerHooks({
  resolve(specifier, context, nextResolve) {
    const fromDrizzle = context.parentURL?.includes(DRIZZLE) ?? false;
    if (fromDrizzle && (specifier.startsWith("./") || specifier.startsWith("../")) && specifier.endsWith(".js")) {
      return { url: new URL(specifier, context.parentURL).href, format: "module", shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
});
