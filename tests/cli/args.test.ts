// The command line's checks of its arguments, run as a user runs it (node dist/src/cli/main.js,
// built by pretest): each bad argument gets a message naming the option, what it got and what it
// expects, exit code 1, and nothing trained or written.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const CLI = join(ROOT, "dist", "src", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "wasmnn-args-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: "utf8", timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Each row: the arguments, and the first line of stderr it must give (exit code 1, nothing on stdout). */
const refused: [string[], RegExp][] = [
  [["train", "constructor"], /^wasmnn: train: unknown task "constructor"; the tasks are mnist, xor, spirals, rbf, moe, adding, text, autoencoder, sequence, gan$/],
  [["train", "__proto__"], /^wasmnn: train: unknown task "__proto__"/],
  [["train", "toString"], /^wasmnn: train: unknown task "toString"/],
  [["train"], /^wasmnn: train: unknown task ""/],
  [["train", "xor", "extra"], /^wasmnn: train xor: unexpected argument "extra"; options are written --name value$/],
  [["train", "xor", "--lr", "0.1"], /^wasmnn: train xor: --lr does not apply; it takes --epochs, --backend, --seed, --save, --resume$/],
  [["train", "xor", "--json"], /^wasmnn: train xor: --json does not apply/],
  [["train", "mnist", "--filters", "f.png"], /^wasmnn: train mnist --model mlp: --filters does not apply; it takes --model, --epochs, --batch-size, --lr, --backend, --seed, --save, --resume$/],
  [["train", "mnist", "--model", "cnn", "--routing", "3"], /^wasmnn: train mnist --model cnn: --routing does not apply; it takes .*--filters/],
  [["train", "text", "--context", "64"], /^wasmnn: train text --model lstm: --context does not apply/],
  [["train", "text", "--model", "gpt", "--embed", "32"], /^wasmnn: train text --model gpt: --embed does not apply/],
  [["train", "xor", "--seed=-1"], /^wasmnn: --seed: expected an integer from 0 to 4294967295, got "-1"$/],
  [["train", "xor", "--seed", "1.5"], /^wasmnn: --seed: expected an integer from 0 to 4294967295, got "1.5"$/],
  [["train", "xor", "--seed", "4294967297"], /^wasmnn: --seed: expected an integer from 0 to 4294967295, got "4294967297"$/],
  [["train", "xor", "--seed", "-1"], /^wasmnn: Option '--seed' argument is ambiguous\.$/],
  [["train", "xor", "--epochs", ""], /^wasmnn: --epochs: expected a number, got ""$/],
  [["train", "xor", "--epochs", " 5"], /^wasmnn: --epochs: expected a number, got " 5"$/],
  [["train", "xor", "--epochs", "0x10"], /^wasmnn: --epochs: expected a number, got "0x10"$/],
  [["train", "xor", "--epochs", "5abc"], /^wasmnn: --epochs: expected a number, got "5abc"$/],
  [["train", "xor", "--epochs", "Infinity"], /^wasmnn: --epochs: expected a number, got "Infinity"$/],
  [["train", "xor", "--epochs", "NaN"], /^wasmnn: --epochs: expected a number, got "NaN"$/],
  [["train", "xor", "--epochs", "1.5"], /^wasmnn: --epochs: expected an integer ≥ 1, got "1.5"$/],
  [["train", "xor", "--epochs", "0"], /^wasmnn: --epochs: expected an integer ≥ 1, got "0"$/],
  [["train", "spirals", "--epochs", "1e-1"], /^wasmnn: --epochs: expected an integer ≥ 1, got "1e-1"$/],
  [["train", "rbf", "--out", "/proc/x"], /^wasmnn: --out \/proc\/x: cannot create or write the directory "\/proc\/x" \(ENOENT\)$/],
  [["train", "mnist", "--model", "cnn", "--filters", "/proc/x/f.png"], /^wasmnn: --filters \/proc\/x\/f.png: cannot create or write the directory "\/proc\/x"/],
  [["train", "sequence", "--attention", "/proc/x/a.png"], /^wasmnn: --attention \/proc\/x\/a.png: cannot create or write the directory "\/proc\/x"/],
  [["train", "xor", "--save", "/proc/x"], /^wasmnn: --save \/proc\/x: cannot create or write the directory "\/proc\/x"/],
  [["train", "xor", "--backend", "gpu"], /^wasmnn: --backend: expected wasm or js, got "gpu"$/],
  [["frobnicate"], /^wasmnn: unknown command "frobnicate"$/],
];

describe("wasmnn command line: bad arguments", () => {
  for (const [args, message] of refused) {
    it(`wasmnn ${args.map((a) => (a === "" ? '""' : a)).join(" ")}`, () => {
      const r = cli(...args);
      expect(r.code).toBe(1);
      expect(r.err.split("\n")[0]).toMatch(message);
      expect(r.out).toBe("");
    });
  }

  it("nothing is written: a refused run leaves the working directory empty", () => {
    cli("train", "rbf", "--lr", "0.1", "--centers", "1.5");
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});

describe("wasmnn command line: --version and what is accepted", () => {
  it("--version and -v print package.json's version", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    for (const flag of ["--version", "-v"]) {
      const r = cli(flag);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`wasmnn ${version}\n`);
    }
  });

  it("a whole number written 1e0, and the options common to every task, are accepted (xor trains one epoch and saves)", () => {
    const save = join(dir, "xor");
    const r = cli("train", "xor", "--epochs", "1e0", "--seed", "4294967295", "--backend", "js", "--save", save);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/xor 0 → logit/);
    expect(existsSync(join(save, "model.safetensors"))).toBe(true);
  });
});
