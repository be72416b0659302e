// IDX, the file format of the original MNIST distribution (LeCun et al.): a 4-byte magic number
// (two zero bytes, a type code, the number of dimensions), each dimension as a big-endian
// uint32, then the values in row-major order. wasmnn reads and writes unsigned bytes (type 0x08),
// gzip-compressed as MNIST itself is distributed, with several arrays one after the other in
// one stream.

const UBYTE = 0x08;

/** One array of unsigned bytes and its shape. */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

/** The IDX bytes of `arrays`, one after the other. */
export function encodeIdx(arrays: IdxArray[]): Uint8Array {
  const size = arrays.reduce((s, a) => s + 4 + 4 * a.shape.length + a.data.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const a of arrays) {
    const count = a.shape.reduce((p, d) => p * d, 1);
    if (count !== a.data.length) throw new Error(`encodeIdx: shape [${a.shape.join(", ")}] holds ${count} values, got ${a.data.length}`);
    view.setUint32(at, (UBYTE << 8) | a.shape.length);
    at += 4;
    for (const d of a.shape) {
      view.setUint32(at, d);
      at += 4;
    }
    out.set(a.data, at);
    at += a.data.length;
  }
  return out;
}

/** The arrays in IDX bytes; every size is checked against the bytes there are. */
export function decodeIdx(bytes: Uint8Array): IdxArray[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const arrays: IdxArray[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) throw new Error(`decodeIdx: ${bytes.length - at} stray bytes at offset ${at}`);
    const magic = view.getUint32(at);
    const rank = magic & 0xff;
    if (magic >>> 8 !== UBYTE || rank === 0) {
      throw new Error(`decodeIdx: offset ${at} holds magic 0x${magic.toString(16).padStart(8, "0")}, expected 0x0000080N (unsigned bytes, N dimensions)`);
    }
    if (at + 4 + 4 * rank > bytes.length) throw new Error(`decodeIdx: the header at offset ${at} is cut short`);
    const shape: number[] = [];
    for (let i = 0; i < rank; i++) shape.push(view.getUint32(at + 4 + 4 * i));
    at += 4 + 4 * rank;
    const count = shape.reduce((p, d) => p * d, 1);
    if (at + count > bytes.length) {
      throw new Error(`decodeIdx: an array of shape [${shape.join(", ")}] needs ${count} bytes, only ${bytes.length - at} remain`);
    }
    arrays.push({ shape, data: bytes.slice(at, at + count) });
    at += count;
  }
  return arrays;
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

/** gzip, with the CompressionStream that browsers and Node ≥ 18 share. */
export function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  return pipe(bytes, new CompressionStream("gzip"));
}

/** The bytes inside a gzip stream; bytes that are not gzip come back as they are. */
export function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return Promise.resolve(bytes);
  return pipe(bytes, new DecompressionStream("gzip"));
}
