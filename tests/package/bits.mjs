// regsim's hash of a run's output bits (src/metrics.rs, bits_hash), for results that cross into
// JavaScript: FNV-1a, 64-bit, over every value's IEEE-754 bytes (little-endian), metric by metric.

/** FNV-1a (64-bit) over the bits of each array in turn: regsim's bits_hash of one run. */
export function bitsHash(arrays) {
  let h = 0xcbf29ce484222325n;
  const mask = (1n << 64n) - 1n;
  for (const a of arrays) {
    for (const b of new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) {
      h ^= BigInt(b);
      h = (h * 0x100000001b3n) & mask;
    }
  }
  return h.toString(16).padStart(16, '0');
}
