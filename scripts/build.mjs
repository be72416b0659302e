// `npm run build`: the Wasm core (release and debug), the TypeScript, then finish-build (core
// copied beside dist/, inline build written). Skipped when dist/ is newer than every input, so
// that `npm test`, `npm start` and `npx wasmnn` after an install do not rebuild for nothing.
// `npm run build -- --force` always rebuilds.
import { execSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const STAMP = "dist/.build-stamp";
const INPUTS = ["assembly", "src", "bench", "scripts", "package.json", "asconfig.json", "tsconfig.json", "tsconfig.build.json"];

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((f) => newest(join(path, f))));
}

const force = process.argv.includes("--force");
if (!force && existsSync(STAMP) && statSync(STAMP).mtimeMs >= Math.max(...INPUTS.map(newest))) {
  console.log("wasmnn: build is up to date");
  process.exit(0);
}
// From scratch, so that no file of an earlier build (a module since removed) reaches the package.
rmSync("dist", { recursive: true, force: true });
for (const step of [
  "asc assembly/index.ts --target release",
  // The same kernels with relaxed SIMD (fused multiply-adds), chosen at load time where supported.
  "asc assembly/index.ts --target relaxed",
  // Plain SIMD on an imported shared memory, instantiated once per thread of the pool.
  "asc assembly/index.ts --target threads",
  "asc assembly/index.ts --target debug",
  "tsc -p tsconfig.build.json",
  "node scripts/finish-build.mjs",
  // The single-file ESM build for CDNs and plain <script type="module"> pages: the whole library
  // with the core inlined, no import left to resolve.
  "esbuild dist/src/inline.js --bundle --format=esm --platform=browser --target=es2022 --minify --outfile=dist/wasmnn.browser.js --log-level=warning",
]) {
  console.log(`> ${step}`);
  execSync(step, { stdio: "inherit", env: { ...process.env, PATH: `${join(process.cwd(), "node_modules", ".bin")}:${process.env.PATH}` } });
}
writeFileSync(STAMP, new Date().toISOString() + "\n");
