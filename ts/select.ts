/**
 * Order statistics and sorting in linear time, for pruning and codebooks: sorting every score of a
 * 4096 x 11008 matrix took about 5 s of prune()'s 8, and TypedArray sort about 60 ns a value.
 */

/** Below this many elements a range is finished by insertion sort. */
const kSmall = 16;

/**
 * The value of rank `k` (0-based: the (k+1)-th smallest) of `a`, which is reordered. Quickselect
 * with a median-of-three pivot and Hoare's partition, whose scans stop at values equal to the pivot
 * (so runs of equal scores, as pruned or quantized weights give, split evenly); after 2 log2(n) + 16
 * rounds it sorts what is left, so no input costs more than a sort. No NaN may be present.
 */
export function selectRank(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  let rounds = 2 * Math.ceil(Math.log2(a.length + 1)) + 16;
  while (hi - lo >= kSmall) {
    if (rounds-- === 0) {
      a.subarray(lo, hi + 1).sort();
      return a[k];
    }
    const pivot = median3(a[lo], a[lo + ((hi - lo) >> 1)], a[hi]);
    // The pivot is one of the range's values, so both scans stop inside it. After the loop,
    // [lo, j] <= pivot, [i, hi] >= pivot, and j < i, with any values between equal to the pivot.
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const v = a[i];
        a[i++] = a[j];
        a[j--] = v;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return pivot;
  }
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i];
    let j = i - 1;
    for (; j >= lo && a[j] > v; j--) a[j + 1] = a[j];
    a[j + 1] = v;
  }
  return a[k];
}

function median3(x: number, y: number, z: number): number {
  if (x < y) return y < z ? y : x < z ? z : x;
  return x < z ? x : y < z ? z : y;
}

/** Below this many values rankValue runs quickselect on a copy rather than sampling. */
const kSampleFrom = 1 << 16;

/**
 * The value of rank `k` of `values` (left unchanged) and how many values lie below it. A sorted
 * strided sample of about 8 sqrt(n) values brackets rank k between two of them (with a margin of 4
 * standard deviations of a sample rank); one pass counts the values below the bracket and copies
 * those inside (about 3 % of n), and quickselect finishes on the copy. Where the bracket misses or
 * holds too many values (data ordered against the stride, long runs of equal values), and for small
 * inputs, quickselect runs on a copy of all the values instead. No NaN may be present.
 */
export function rankValue(values: Float64Array, k: number): { value: number; below: number } {
  const n = values.length;
  if (n >= kSampleFrom) {
    const size = Math.floor(8 * Math.sqrt(n));
    const step = n / size;
    const sample = new Float64Array(size);
    for (let s = 0; s < size; s++) sample[s] = values[Math.floor((s + 0.5) * step)];
    sample.sort();
    const at = (k + 0.5) / step;  // rank k's expected place in the sample
    const margin = 4 * Math.sqrt(size) + 8;
    const lo = sample[Math.max(0, Math.floor(at - margin))];
    const hi = sample[Math.min(size - 1, Math.ceil(at + margin))];
    const inside = new Float64Array(Math.ceil(4 * margin * step) + 1024);  // twice the expected count
    let below = 0;
    let count = 0;
    for (let i = 0; i < n && count < inside.length; i++) {
      const v = values[i];
      if (v < lo) below++;
      else if (v <= hi) inside[count++] = v;
    }
    if (count < inside.length && below <= k && k < below + count) {
      return finishRank(inside.subarray(0, count), k - below, below);
    }
  }
  return finishRank(values.slice(), k, 0);
}

function finishRank(candidates: Float64Array, k: number, below: number): { value: number; below: number } {
  const value = selectRank(candidates, k);
  for (let i = 0; i < candidates.length; i++) if (candidates[i] < value) below++;
  return { value, below };
}

/** Below this many values sortFloat32 leaves the work to TypedArray sort (the histograms cost more). */
const kRadixFrom = 512;
const kDigitBits = 11;

/**
 * Sorts float32 values ascending in place, -0 before +0 as TypedArray sort: LSD radix sort on
 * their bits made unsigned-ordered (negative values inverted, others with the sign bit set), three
 * passes of 11 bits. `scratch` holds at least values.length. No NaN may be present.
 */
export function sortFloat32(values: Float32Array, scratch: Uint32Array): void {
  const n = values.length;
  if (n < kRadixFrom) {
    values.sort();
    return;
  }
  const keys = new Uint32Array(values.buffer, values.byteOffset, n);
  for (let i = 0; i < n; i++) {
    const u = keys[i];
    keys[i] = u & 0x80000000 ? ~u : u | 0x80000000;
  }
  const counts = new Uint32Array(1 << kDigitBits);
  let src = keys;
  let dst = scratch.subarray(0, n);
  for (let shift = 0; shift < 32; shift += kDigitBits) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(src[i] >>> shift) & ((1 << kDigitBits) - 1)]++;
    for (let d = 0, at = 0; d < counts.length; d++) {
      const c = counts[d];
      counts[d] = at;
      at += c;
    }
    for (let i = 0; i < n; i++) {
      const v = src[i];
      dst[counts[(v >>> shift) & ((1 << kDigitBits) - 1)]++] = v;
    }
    [src, dst] = [dst, src];
  }
  // Three passes end in scratch: back into values, decoded.
  for (let i = 0; i < n; i++) {
    const key = src[i];
    keys[i] = key & 0x80000000 ? key & 0x7fffffff : ~key;
  }
}
