/** Shared test helpers: a seeded generator and an independent JS oracle of DESIGN.md section 2. */
import * as assert from 'uvu/assert';
import * as ei8 from '../ts/index';

export { ei8 };

/** mulberry32: small, deterministic. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

export function randomBytes(rand: () => number, n: number, dtype: ei8.QDType): Int8Array | Uint8Array {
  const [lo, hi] = dtype === 'int8' ? [-128, 127] : [0, 255];
  const out = dtype === 'int8' ? new Int8Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = randInt(rand, lo, hi);
  return out;
}

/** C = (A - za)(B - zb[n]) with B [K, N]; exact in JS numbers. */
export function jsMatmulInt32(a: ArrayLike<number>, m: number, k: number, za: number, b: ArrayLike<number>, n: number,
  zb: ArrayLike<number>): Int32Array {
  const c = new Int32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      const z = zb.length === 1 ? zb[0] : zb[j];
      for (let kk = 0; kk < k; kk++) acc += (a[i * k + kk] - za) * (b[kk * n + j] - z);
      c[i * n + j] = acc;
    }
  }
  return c;
}

export function qtensor(data: Int8Array | Uint8Array, shape: number[], scale: number, zeroPoint: number): ei8.QTensor {
  return { data, shape, quant: { dtype: data instanceof Int8Array ? 'int8' : 'uint8', scale, zeroPoint } };
}

/** Runs `fn` with every available kernel path forced, then restores 'auto'. */
export function forEachIsa(fn: (isa: string) => void): void {
  try {
    for (const isa of ei8.cpuInfo().available) {
      ei8.setIsa(isa);
      fn(isa);
    }
  } finally {
    ei8.setIsa('auto');
  }
}

/** fn throws `kind` with the stable `code`, and a message matching `text` when given. */
export function throwsWith(fn: () => unknown, kind: typeof TypeError | typeof RangeError, code: string, text?: RegExp): void {
  try {
    fn();
  } catch (e) {
    const err = e as Error & { code?: string };
    assert.instance(err, kind, `${err.name}: ${err.message}`);
    assert.is(err.code, code, err.message);
    if (text) assert.match(err.message, text);
    return;
  }
  assert.unreachable('did not throw');
}
