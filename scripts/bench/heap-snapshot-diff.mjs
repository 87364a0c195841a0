// What the objects added between two heap snapshots of one process are, per stream:
//
//   node scripts/bench/heap-snapshot-diff.mjs web-1.heapsnapshot web-2.heapsnapshot 500
//
// (BENCH_HEAP_SNAPSHOTS=<dir> BENCH_ONLY=sse npm run bench writes web-1 before the streams,
// web-2 with half of them open, web-3 with all.) Prints the bytes and count per stream of each
// kind of object (type:constructor), largest first, and for the largest kinds the property
// that holds most of the new ones — e.g. `ServerResponse._header` for concatenated strings.
// Node ids are stable within a process, so "new" means an id the first snapshot did not have.
import { readFileSync } from "node:fs";

const [beforeFile, afterFile, streamsArg = "1000", topArg = "30"] = process.argv.slice(2);
if (!beforeFile || !afterFile) {
  console.error("usage: heap-snapshot-diff.mjs <before.heapsnapshot> <after.heapsnapshot> [streams] [rows]");
  process.exit(2);
}
const streams = Number(streamsArg);
const before = JSON.parse(readFileSync(beforeFile, "utf8"));
const after = JSON.parse(readFileSync(afterFile, "utf8"));

const idsOf = (snapshot) => {
  const fields = snapshot.snapshot.meta.node_fields;
  const ids = new Set();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) ids.add(snapshot.nodes[i + fields.indexOf("id")]);
  return ids;
};
const oldIds = idsOf(before);

const meta = after.snapshot.meta;
const { nodes, edges, strings } = after;
const [nodeTypes] = meta.node_types;
const [edgeTypes] = meta.edge_types;
const N = meta.node_fields.length;
const E = meta.edge_fields.length;
const [TYPE, NAME, ID, SIZE, EDGES] = ["type", "name", "id", "self_size", "edge_count"].map((f) => meta.node_fields.indexOf(f));
const [EDGE_TYPE, EDGE_NAME, EDGE_TO] = ["type", "name_or_index", "to_node"].map((f) => meta.edge_fields.indexOf(f));

const kindOf = (i) => {
  const type = nodeTypes[nodes[i + TYPE]];
  return `${type}:${type.includes("string") ? "(string)" : strings[nodes[i + NAME]].slice(0, 50)}`;
};

// The first strong retainer of each node, and the edge's name.
const retainer = new Map();
for (let i = 0, e = 0; i < nodes.length; i += N) {
  for (let k = 0; k < nodes[i + EDGES]; k++, e += E) {
    const type = edgeTypes[edges[e + EDGE_TYPE]];
    if (type === "weak" || retainer.has(edges[e + EDGE_TO])) continue;
    retainer.set(edges[e + EDGE_TO], [i, type === "element" || type === "hidden" ? `[${edges[e + EDGE_NAME]}]` : strings[edges[e + EDGE_NAME]]]);
  }
}

const kinds = new Map();
let total = 0;
for (let i = 0; i < nodes.length; i += N) {
  if (oldIds.has(nodes[i + ID])) continue;
  const kind = kindOf(i);
  const entry = kinds.get(kind) ?? { count: 0, bytes: 0, holders: new Map() };
  entry.count++;
  entry.bytes += nodes[i + SIZE];
  total += nodes[i + SIZE];
  // Up through nodes of the same kind (a tree of concatenated strings) to what holds the tree.
  let at = i;
  let holder = "(root)";
  for (let depth = 0; depth < 64; depth++) {
    const up = retainer.get(at);
    if (!up) break;
    holder = `${kindOf(up[0])}.${up[1]}`;
    if (kindOf(up[0]) !== kind) break;
    at = up[0];
  }
  entry.holders.set(holder, (entry.holders.get(holder) ?? 0) + 1);
  kinds.set(kind, entry);
}

console.log(`new objects: ${(total / streams).toFixed(0)} bytes per stream (${streams} streams)`);
for (const [kind, { count, bytes, holders }] of [...kinds].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, Number(topArg))) {
  const [holder, held] = [...holders].sort((a, b) => b[1] - a[1])[0];
  console.log(`${(bytes / streams).toFixed(0).padStart(6)} B ${(count / streams).toFixed(2).padStart(6)} × ${kind.padEnd(40)} mostly held by ${holder} (${Math.round((held / count) * 100)} %)`);
}
