// `npm run bench` / `npx wasmnn bench`: every suite, a table, and with --json a last line of JSON.
// Suites are listed here; each exports `bench(options)` returning its rows.
import { ready } from "../src/index.js";
import { formatTable, type Row } from "./harness.js";

export interface BenchOptions {
  /** Only suites whose name contains this. */
  filter?: string;
  /** Quick mode: fewer sizes and samples (for smoke tests). */
  quick?: boolean;
  /** Only the suites beside other libraries (bench/peers), which the plain run leaves out. */
  peers?: boolean;
}

type Suite = {
  name: string;
  /** Run with --peers only. */
  peers?: boolean;
  /** A suite's `format` prints its table; formatTable otherwise. */
  load: () => Promise<{ bench(o: BenchOptions): Promise<Row[]>; format?: (rows: Row[]) => string }>;
};

const suites: Suite[] = [
  // suites register here, e.g. { name: "gemm", load: () => import("./gemm.js") },
  { name: "gemm", load: () => import("./gemm.js") },
  { name: "relaxed", load: () => import("./relaxed.js") },
  { name: "threads", load: () => import("./threads.js") },
  { name: "mlp", load: () => import("./mlp.js") },
  { name: "rnn", load: () => import("./rnn.js") },
  { name: "conv", load: () => import("./conv.js") },
  { name: "cnn", load: () => import("./cnn.js") },
  { name: "capsule", load: () => import("./capsule.js") },
  { name: "transformer", load: () => import("./transformer.js") },
  { name: "peers", peers: true, load: () => import("./peers/suite.js") },
];

export async function runBench(options: BenchOptions & { json?: boolean } = {}): Promise<Row[]> {
  await ready();
  const rows: Row[] = [];
  const tables: string[] = [];
  for (const s of suites) {
    if (options.filter && !s.name.includes(options.filter)) continue;
    if ((s.peers ?? false) !== (options.peers ?? false)) continue;
    const suite = await s.load();
    const got = await suite.bench(options);
    rows.push(...got);
    tables.push((suite.format ?? formatTable)(got));
    if (!options.json) console.log(tables.at(-1) + "\n");
  }
  if (options.json) {
    console.log(tables.join("\n\n"));
    console.log(JSON.stringify({ rows }));
  }
  return rows;
}
