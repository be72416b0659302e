// The package as users get it: `npm pack` of the current build, installed into an empty app with
// its dependencies (from npm's cache when it has them: `npm ci` fills it) and without the optional
// data sets. Made once per build and shared by the test files that need it.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");

export interface Packed {
  /** The .tgz that `npm pack` wrote. */
  tarball: string;
  /** An empty app with the tarball unpacked as node_modules/wasmnn. */
  app: string;
}

/** Pack and unpack once per build (keyed by the build stamp); later calls reuse the result. */
export function packed(): Packed {
  const stamp = join(ROOT, "dist", ".build-stamp");
  if (!existsSync(stamp)) throw new Error("dist/ is not built: run `npm run build` (npm test does) first");
  // One directory per checkout and build; those of this checkout's earlier builds are removed.
  const prefix = `wasmnn-packed-${createHash("sha256").update(ROOT).digest("hex").slice(0, 8)}-`;
  const dir = join(tmpdir(), `${prefix}${Math.round(statSync(stamp).mtimeMs)}`);
  const result = (): Packed => ({ tarball: join(dir, readdirSync(dir).find((f) => f.endsWith(".tgz"))!), app: join(dir, "app") });
  if (existsSync(join(dir, "app"))) return result();
  // Built in a directory of its own and renamed into place, so that test files packing at the
  // same time never see half an app.
  const work = mkdtempSync(join(tmpdir(), "wasmnn-pack-"));
  execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", work], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  const tgz = readdirSync(work).find((f) => f.endsWith(".tgz"))!;
  mkdirSync(join(work, "app"));
  writeFileSync(join(work, "app", "package.json"), JSON.stringify({ name: "empty-app", version: "1.0.0", private: true, type: "module" }, null, 2));
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--silent", join(work, tgz)], { cwd: join(work, "app"), stdio: ["ignore", "ignore", "inherit"] });
  try {
    renameSync(work, dir);
    for (const old of readdirSync(tmpdir())) if (old.startsWith(prefix) && join(tmpdir(), old) !== dir) rmSync(join(tmpdir(), old), { recursive: true, force: true });
  } catch {
    rmSync(work, { recursive: true, force: true }); // another test file got there first
  }
  return result();
}

/** A fresh copy of the packed app in a temporary directory, with `files` copied in from `from`. */
export function appWith(name: string, from: string): string {
  const dir = mkdtempSync(join(tmpdir(), `wasmnn-${name}-`));
  cpSync(packed().app, dir, { recursive: true });
  cpSync(from, dir, { recursive: true });
  return dir;
}
