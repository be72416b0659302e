// safetensors: the tensor file format of the Hugging Face hub (and of PyTorch models shared there).
//
//   [ n: u64 little-endian ][ header: n bytes of UTF-8 JSON ][ data: the raw tensors, back to back ]
//
//   header = { "__metadata__": { "format": "pt", ...string: string },
//              "0.weight": { "dtype": "F32", "shape": [8, 4], "data_offsets": [0, 128] }, ... }
//
// data_offsets are [begin, end) byte ranges relative to the start of the data; together they must
// cover the data exactly, with no gaps and no overlaps. Nothing can execute, unlike a pickle.
//
// Reading trusts nothing: every size the header claims is checked against the real length of the
// bytes before anything proportional to it is allocated, and a bad file is an Error naming the
// file, the tensor and what was expected.
import { decode, DTYPES, encode, isDType, ITEM_SIZE, type DType } from "./dtypes.js";

/** One tensor as read from (or written to) a file. I64 data comes as a Float64Array. */
export interface TensorRecord {
  /** Its dtype in the file. */
  dtype: DType;
  /** Its shape. */
  shape: number[];
  /** Its values, row-major (F64 and I64 as Float64Array, others as Float32Array). */
  data: Float32Array | Float64Array;
}

/** A parsed safetensors file: tensors by name and the header's __metadata__. */
export interface SafetensorsFile {
  /** Tensors by name, in the order of their data in the file. */
  tensors: Map<string, TensorRecord>;
  /** The header's __metadata__ (string to string). */
  metadata: Record<string, string>;
}

/** A tensor to write: its values and the dtype to store them as (default F32). */
export interface TensorToWrite {
  /** Its shape. */
  shape: readonly number[];
  /** Its values, row-major. */
  data: ArrayLike<number>;
  /** The dtype to store (default F32). */
  dtype?: DType;
}

/** Options of readSafetensors. */
export interface ReadOptions {
  /** Name of the file in error messages (default "safetensors"). */
  name?: string;
  /** Accept NaN and ±Infinity in floating-point tensors (default false: they are an error). */
  allowNonFinite?: boolean;
}

/** The safetensors reference implementation refuses headers above 100 MB; so does wasmnn. */
export const MAX_HEADER_BYTES = 100_000_000;

/** Names that would reach Object.prototype if used as keys of a plain object. */
function isPrototypeKey(name: string): boolean {
  return name === "__proto__" || name === "prototype" || name in Object.prototype;
}

/**
 * Serialize tensors and metadata into safetensors bytes; the header is padded to 8 bytes.
 *
 * @example const bytes = io.writeSafetensors([["w", { shape: [2], data: [1, 2] }]], { note: "hi" });
 */
export function writeSafetensors(tensors: Iterable<[string, TensorToWrite]>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = Object.create(null);
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const list: [string, TensorToWrite, DType, number][] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const dtype = t.dtype ?? "F32";
    if (name === "__metadata__" || isPrototypeKey(name)) throw new Error(`safetensors: "${name}" cannot be a tensor name`);
    if (name in header) throw new Error(`safetensors: tensor "${name}" given twice`);
    const count = t.shape.reduce((a, d) => a * d, 1);
    if (count !== t.data.length) throw new Error(`safetensors: tensor "${name}" has shape [${t.shape.join(", ")}] but ${t.data.length} values`);
    const bytes = count * ITEM_SIZE[dtype];
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    list.push([name, t, dtype, offset]);
    offset += bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) json = new TextEncoder().encode(JSON.stringify(header) + " ".repeat(padded - json.length));
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  for (const [name, t, dtype, at] of list) {
    try {
      encode(view, 8 + padded + at, t.data, dtype);
    } catch (e) {
      throw new Error(`${(e as Error).message} (tensor "${name}")`);
    }
  }
  return out;
}

/** The top-level keys of a JSON object text in order, duplicates included (JSON.parse keeps only the last). */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") depth--;
    else if (ch === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === "\\") i++;
      if (depth === 1) {
        let j = i + 1;
        while (/\s/.test(text[j])) j++;
        if (text[j] === ":") keys.push(JSON.parse(text.slice(start, i + 1)) as string);
      }
    }
  }
  return keys;
}

/** Parse and check the header, before anything is allocated for the data. */
function parseHeader(bytes: Uint8Array, file: string): { entries: [string, { dtype: DType; shape: number[]; begin: number; end: number }][]; metadata: Record<string, string>; dataStart: number } {
  if (bytes.length < 8) throw new Error(`${file}: truncated: ${bytes.length} bytes, but a safetensors file starts with an 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const claimed = view.getBigUint64(0, true);
  if (claimed >= BigInt(MAX_HEADER_BYTES)) throw new Error(`${file}: header length ${claimed} bytes is absurd (the limit is ${MAX_HEADER_BYTES}); not a safetensors file?`);
  const n = Number(claimed);
  if (8 + n > bytes.length) throw new Error(`${file}: header length ${n} bytes is larger than the ${bytes.length - 8} bytes after the length field (truncated file?)`);
  let text: string;
  let header: unknown;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
    header = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: the header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) throw new Error(`${file}: the header is ${Array.isArray(header) ? "an array" : String(header === null ? "null" : typeof header)}, expected a JSON object`);
  const keys = topLevelKeys(text);
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k)) throw new Error(`${file}: tensor "${k}" appears twice in the header`);
    seen.add(k);
  }
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  let metadata: Record<string, string> = {};
  const entries: [string, { dtype: DType; shape: number[]; begin: number; end: number }][] = [];
  for (const name of keys) {
    const raw = (header as Record<string, unknown>)[name];
    if (name === "__metadata__") {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`${file}: __metadata__ must be an object of strings`);
      metadata = Object.create(null) as Record<string, string>;
      for (const [k, v] of Object.entries(raw)) {
        if (typeof v !== "string") throw new Error(`${file}: __metadata__ "${k}" is ${JSON.stringify(v)}, expected a string`);
        if (isPrototypeKey(k)) throw new Error(`${file}: "${k}" cannot be a __metadata__ key`);
        metadata[k] = v;
      }
      continue;
    }
    const t = `${file}: tensor "${name}"`;
    if (isPrototypeKey(name)) throw new Error(`${t}: "${name}" cannot be a tensor name`);
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`${t}: expected an object with dtype, shape and data_offsets, got ${JSON.stringify(raw)}`);
    const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
    if (!isDType(dtype)) throw new Error(`${t}: dtype ${JSON.stringify(dtype)} is not supported (expected one of ${DTYPES.join(", ")})`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new Error(`${t}: shape ${JSON.stringify(shape)} must be a list of non-negative integers`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) throw new Error(`${t}: data_offsets ${JSON.stringify(offsets)} must be two non-negative integers [begin, end]`);
    const [begin, end] = offsets as number[];
    if (begin > end) throw new Error(`${t}: data_offsets [${begin}, ${end}] are reversed`);
    if (end > dataLength) throw new Error(`${t}: data_offsets [${begin}, ${end}] go past the ${dataLength} bytes of data (truncated file?)`);
    // The product is compared with a range inside the real file, so no claimed size reaches an allocation.
    const count = (shape as number[]).reduce((a, d) => a * d, 1);
    const need = count * ITEM_SIZE[dtype];
    if (need !== end - begin) throw new Error(`${t}: shape [${shape.join(", ")}] of ${dtype} needs ${need} bytes, but data_offsets [${begin}, ${end}] hold ${end - begin}`);
    entries.push([name, { dtype, shape: shape as number[], begin, end }]);
  }
  // The ranges must tile the data: sorted by start, each begins where the previous ended.
  const sorted = [...entries].sort((a, b) => a[1].begin - b[1].begin || a[1].end - b[1].end);
  let at = 0;
  for (const [name, e] of sorted) {
    if (e.begin < at) throw new Error(`${file}: tensor "${name}": data_offsets [${e.begin}, ${e.end}] overlap the previous tensor, which ends at ${at}`);
    if (e.begin > at) throw new Error(`${file}: tensor "${name}": data_offsets [${e.begin}, ${e.end}] leave a gap of ${e.begin - at} bytes after byte ${at}`);
    at = e.end;
  }
  if (at !== dataLength) throw new Error(`${file}: the tensors cover ${at} bytes of data, but the file has ${dataLength} (trailing bytes)`);
  return { entries: sorted, metadata, dataStart };
}

/**
 * Parse safetensors bytes. All-or-nothing: every check runs before the result is returned.
 * @example const { tensors, metadata } = readSafetensors(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 */
export function readSafetensors(bytes: Uint8Array, options: ReadOptions = {}): SafetensorsFile {
  const file = options.name ?? "safetensors";
  const { entries, metadata, dataStart } = parseHeader(bytes, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tensors = new Map<string, TensorRecord>();
  for (const [name, e] of entries) {
    const count = (e.end - e.begin) / ITEM_SIZE[e.dtype];
    const data = decode(view, dataStart + e.begin, count, e.dtype, `${file}: tensor "${name}"`);
    if (!options.allowNonFinite) {
      for (let i = 0; i < data.length; i++) {
        if (!Number.isFinite(data[i])) {
          const cause = e.dtype === "F64" && Number.isFinite(view.getFloat64(dataStart + e.begin + 8 * i, true)) ? ` (F64 ${view.getFloat64(dataStart + e.begin + 8 * i, true)} overflows f32)` : "";
          throw new Error(`${file}: tensor "${name}" holds ${data[i]} at index ${i}${cause}; pass allowNonFinite to accept non-finite values`);
        }
      }
    }
    tensors.set(name, { dtype: e.dtype, shape: e.shape, data });
  }
  return { tensors, metadata };
}

/**
 * The header alone: names, dtypes, shapes and metadata, without decoding any data (for inspection).
 *
 * @property tensors Each tensor's entry, in file order.
 * @property tensors.name Its name.
 * @property tensors.dtype Its dtype.
 * @property tensors.shape Its shape.
 * @property tensors.bytes Its size in bytes.
 * @property metadata The header's __metadata__.
 * @property headerBytes The length of the JSON header.
 *
 * @example const { tensors } = io.readSafetensorsHeader(toSafetensors(new nn.Linear(2, 3))); // names, dtypes, shapes, sizes
 */
export function readSafetensorsHeader(bytes: Uint8Array, options: { name?: string } = {}): { tensors: { name: string; dtype: DType; shape: number[]; bytes: number }[]; metadata: Record<string, string>; headerBytes: number } {
  const { entries, metadata, dataStart } = parseHeader(bytes, options.name ?? "safetensors");
  return { tensors: entries.map(([name, e]) => ({ name, dtype: e.dtype, shape: e.shape, bytes: e.end - e.begin })), metadata, headerBytes: dataStart - 8 };
}
