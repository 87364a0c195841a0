import { createHash } from "node:crypto";
import pg from "pg";

/**
 * A pg Client that sends each repeated parameterised statement as a named (prepared) one, so
 * Postgres parses it once per connection and, once its plan cache settles on a generic plan,
 * stops planning it too (decision 036). drizzle and pg-boss send every statement unnamed: the
 * backend parsed and planned each of them afresh, a quarter of its CPU on the pipeline.
 *
 * The name is a hash of the text, so one text is one statement on every connection and two
 * texts never share a name. Only statements with parameters are named (they already use the
 * extended protocol, and are single statements); a text becomes named the second time this
 * process sends it, so one-off texts (a multi-row insert of an unusual size) never take a slot;
 * and a connection keeps at most MAX_NAMED_PER_CONNECTION of them, after which new texts go
 * unnamed as before, so a stream of distinct texts cannot grow a backend's memory without end.
 *
 * What it costs: a prepared statement lives as long as its connection, so this needs session
 * pooling (a direct connection, or PgBouncer in session mode — not transaction mode), and a
 * migration that changes a table's columns must run while no app process is connected (it
 * does: prepareDatabase runs before the web and workers start).
 */
const MAX_NAMED_PER_CONNECTION = 256;
/** Texts seen once, waiting for a second use; cleared when full (a one-off text is forgotten). */
const MAX_TRACKED_TEXTS = 4096;

const seenOnce = new Set<string>();
const names = new Map<string, string>();

function statementName(text: string): string | undefined {
  const known = names.get(text);
  if (known) return known;
  if (!seenOnce.has(text)) {
    if (seenOnce.size >= MAX_TRACKED_TEXTS) seenOnce.clear();
    seenOnce.add(text);
    return undefined;
  }
  seenOnce.delete(text);
  if (names.size >= MAX_TRACKED_TEXTS) return undefined;
  // Hashed once per text: later sends find the name in the map.
  const name = namedStatementFor(text);
  names.set(text, name);
  return name;
}

/**
 * The name a statement's text goes out under: statements built once (built-once.ts) name
 * themselves with it, so a text has one name whichever way it is sent.
 */
export function namedStatementFor(text: string): string {
  return `cv_${createHash("sha1").update(text).digest("hex")}`;
}

type QueryConfig = { text?: unknown; name?: unknown; values?: unknown; submit?: unknown };

export class NamedStatementClient extends pg.Client {
  #named = new Set<string>();

  // pg's overloads: (text | config, values?, callback?). Only the first argument is rewritten.
  /** Whether a text may go out named; a subclass keeps the ones a generic plan would serve badly unnamed. */
  protected mayName(_text: string): boolean {
    return true;
  }

  override query(...args: unknown[]): never {
    const [first, second] = args;
    const values = Array.isArray(second) ? second : (first as QueryConfig | undefined)?.values;
    if (Array.isArray(values) && values.length > 0) {
      const config: QueryConfig | undefined = typeof first === "string" ? { text: first } : (first as QueryConfig | undefined);
      // A submittable (pg-cursor, pg-query-stream) or an already named query is left alone.
      if (config && typeof config.text === "string" && config.name === undefined && typeof config.submit !== "function" && this.mayName(config.text)) {
        const name = statementName(config.text);
        if (name && (this.#named.has(name) || this.#named.size < MAX_NAMED_PER_CONNECTION)) {
          this.#named.add(name);
          args[0] = typeof first === "string" ? { text: first, name } : { ...config, name };
        }
      }
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

/**
 * pg-boss's pool: its statements go out named like ours, except the ones that act on a list of
 * job ids (`id = ANY($2::uuid[])`: complete, fail, cancel…). Named, Postgres settles on a
 * generic plan for them that does not know the list is short, and scans every job the queue
 * keeps by name (a week of completed ones) instead of looking the ids up: 371–1,360 buffers per
 * completion in the bench, growing with the table. Unnamed, each is planned for its own list,
 * an index lookup of the batch's rows (decision 047).
 */
export class PgBossNamedStatementClient extends NamedStatementClient {
  protected override mayName(text: string): boolean {
    return !JOB_ID_LIST.test(text);
  }
}

const JOB_ID_LIST = /\bid = ANY\(\$\d+::uuid\[\]\)/;

