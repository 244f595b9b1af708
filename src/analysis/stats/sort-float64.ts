// LSD radix sort of doubles (11-bit digits, six passes) on their IEEE 754 bits made order-preserving
// (negative: every bit flipped; positive: sign bit set), as in Herf's "Radix Tricks" (2001). Same order
// as Float64Array.prototype.sort, -0 before +0 included; NaN, short arrays and big-endian hosts use that.

const BITS = 11;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;
/** Below this length the native sort is as fast. */
const RADIX_FROM = 1024;
const isLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Sorts `values` ascending in place, exactly as `values.sort()` does, and returns it. */
export function sortFloat64(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < RADIX_FROM || !isLittleEndian) return values.sort();
  for (let i = 0; i < n; i++) if (Number.isNaN(values[i])) return values.sort();
  const counts = countDigits(values);
  let source: Float64Array = values;
  let target: Float64Array = new Float64Array(n);
  for (let pass = 0; pass < 6; pass++) {
    // A digit shared by every key leaves the order as it is.
    if (!toOffsets(counts, pass * RADIX, n)) continue;
    scatter(source, target, counts, pass);
    [source, target] = [target, source];
  }
  if (source !== values) values.set(source);
  return values;
}

/** Histograms of the six digits of every key, one after another. */
function countDigits(values: Float64Array): Uint32Array {
  const counts = new Uint32Array(6 * RADIX);
  const bits = new Uint32Array(values.buffer, values.byteOffset, 2 * values.length);
  for (let i = 0; i < bits.length; i += 2) {
    const high = bits[i + 1] as number;
    const flip = high >> 31;
    const lo = (bits[i] as number) ^ flip;
    const hi = high ^ (flip | 0x80000000);
    increment(counts, lo & MASK);
    increment(counts, RADIX + ((lo >>> 11) & MASK));
    increment(counts, 2 * RADIX + (((lo >>> 22) | (hi << 10)) & MASK));
    increment(counts, 3 * RADIX + ((hi >>> 1) & MASK));
    increment(counts, 4 * RADIX + ((hi >>> 12) & MASK));
    increment(counts, 5 * RADIX + (hi >>> 23));
  }
  return counts;
}

/** One digit's counts turned into start offsets; false when a single digit holds all n keys. */
function toOffsets(counts: Uint32Array, base: number, n: number): boolean {
  let sum = 0;
  for (let d = base; d < base + RADIX; d++) {
    const count = counts[d] as number;
    if (count === n) return false;
    counts[d] = sum;
    sum += count;
  }
  return true;
}

/** Stable move of every value to its digit's next slot; digits 0-2 take bits from both words, 3-5 from the high one. */
function scatter(source: Float64Array, target: Float64Array, counts: Uint32Array, pass: number): void {
  const bits = new Uint32Array(source.buffer, source.byteOffset, 2 * source.length);
  const base = pass * RADIX;
  if (pass < 3) {
    const fromLo = BITS * pass;
    // The high word shifted left by 32 − fromLo continues the low word's bits; for pass 0 it goes past the
    // digit instead (JavaScript reads a shift by 32 as a shift by 0).
    const fromHi = pass === 0 ? BITS : 32 - fromLo;
    for (let i = 0; i < source.length; i++) {
      const high = bits[2 * i + 1] as number;
      const flip = high >> 31;
      const lo = (bits[2 * i] as number) ^ flip;
      const hi = high ^ (flip | 0x80000000);
      target[increment(counts, base + (((lo >>> fromLo) | (hi << fromHi)) & MASK))] = source[i] as number;
    }
  } else {
    const from = BITS * pass - 32;
    for (let i = 0; i < source.length; i++) {
      const high = bits[2 * i + 1] as number;
      const hi = high ^ ((high >> 31) | 0x80000000);
      target[increment(counts, base + ((hi >>> from) & MASK))] = source[i] as number;
    }
  }
}

/** counts[index]++, returning the value before. */
function increment(counts: Uint32Array, index: number): number {
  const before = counts[index] as number;
  counts[index] = before + 1;
  return before;
}
