// Declares the module that `npm run build` generates (scripts/finish-build.mjs) next to inline.js.
export declare const wasmBase64: string;
