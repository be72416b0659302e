// The worker of static.html: it imports wasmnn from the path in its own URL, with no bundler.
import { serve } from "./xor.js";

const wn = await import(new URL(self.location.href).searchParams.get("entry"));
serve(wn);
