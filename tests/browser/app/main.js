import * as wn from "wasmnn";
import { run } from "./xor.js";

run(wn, () => new Worker(new URL("./worker.js", import.meta.url), { type: "module" }));
