/** Pruning: counts, patterns, scopes, methods and the deterministic tie-breaking rule. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ei8, rng } from './helpers';

const floats = (seed: number, n: number) => {
  const rand = rng(seed);
  return Float32Array.from({ length: n }, () => rand() * 2 - 1);
};

test('magnitude, unstructured: exactly round(s * size) smallest |w| are removed', () => {
  const w = floats(1, 40 * 30);
  const r = ei8.prune(w, [40, 30], { sparsity: 0.7 });
  const zeros = r.mask.reduce((s, v) => s + (v ? 0 : 1), 0);
  assert.is(zeros, Math.round(0.7 * w.length));
  assert.is(r.sparsity, zeros / w.length);
  let maxPruned = 0;
  let minKept = Infinity;
  for (let i = 0; i < w.length; i++) {
    if (r.mask[i]) {
      minKept = Math.min(minKept, Math.abs(w[i]));
      assert.is(r.weights[i], w[i]);
    } else {
      maxPruned = Math.max(maxPruned, Math.abs(w[i]));
      assert.is(r.weights[i], 0);
    }
  }
  assert.ok(maxPruned <= minKept);
});

test('ties are broken by position: the lower (output channel, k) index is pruned first', () => {
  // [K=2, N=3] all equal: units numbered over the [N, K] view: (n0,k0) (n0,k1) (n1,k0) ...
  const r = ei8.prune(new Float32Array(6).fill(1), [2, 3], { sparsity: 0.5 });
  // kn layout: index k * 3 + n; pruned units (n0,k0), (n0,k1), (n1,k0) -> indices 0, 3, 1
  assert.equal(Array.from(r.mask), [0, 0, 1, 0, 1, 1]);
  const again = ei8.prune(new Float32Array(6).fill(1), [2, 3], { sparsity: 0.5 });
  assert.equal(Array.from(again.mask), Array.from(r.mask));
});

test('importance prunes |w * g|: a large weight with no gradient goes first', () => {
  const w = Float32Array.from([10, 1, 1, 1]);
  const g = Float32Array.from([0, 1, 2, 3]);
  assert.equal(Array.from(ei8.prune(w, [4, 1], { sparsity: 0.25, method: 'importance', gradient: g }).mask), [0, 1, 1, 1]);
  assert.equal(Array.from(ei8.prune(w, [4, 1], { sparsity: 0.25 }).mask), [1, 0, 1, 1]);
});

test('N:M: at most N survivors in every M consecutive k of every output channel, K tail included', () => {
  for (const [nn, mm] of [[2, 4], [1, 4], [4, 8]]) {
    const k = 37, n = 5;
    const w = floats(nn * 10 + mm, k * n);
    for (const layout of ['kn', 'nk'] as const) {
      const r = ei8.prune(w, layout === 'kn' ? [k, n] : [n, k], { pattern: `${nn}:${mm}`, layout });
      for (let col = 0; col < n; col++) {
        for (let k0 = 0; k0 < k; k0 += mm) {
          let kept = 0;
          for (let kk = k0; kk < Math.min(k, k0 + mm); kk++) kept += r.mask[layout === 'kn' ? kk * n + col : col * k + kk];
          assert.is(kept, Math.min(nn, k - k0));
        }
      }
    }
  }
});

test('blocks RxC: whole blocks of R output channels x C consecutive k are removed', () => {
  const k = 32, n = 8;
  const w = floats(3, k * n);
  for (const [r, c] of [[1, 4], [4, 1], [1, 16], [4, 4]]) {
    const res = ei8.prune(w, [k, n], { pattern: `${r}x${c}`, sparsity: 0.75 });
    assert.is(res.sparsity, 0.75);
    for (let n0 = 0; n0 < n; n0 += r) {
      for (let k0 = 0; k0 < k; k0 += c) {
        const first = res.mask[k0 * n + n0];
        for (let nn = n0; nn < n0 + r; nn++) for (let kk = k0; kk < k0 + c; kk++) assert.is(res.mask[kk * n + nn], first);
      }
    }
  }
});

test("scope 'channel': every output channel reaches the target", () => {
  const k = 50, n = 6;
  const r = ei8.prune(floats(4, k * n), [k, n], { sparsity: 0.6, scope: 'channel' });
  for (let col = 0; col < n; col++) {
    let zeros = 0;
    for (let kk = 0; kk < k; kk++) zeros += r.mask[kk * n + col] ? 0 : 1;
    assert.is(zeros, 30);
  }
});

test('pruneGlobal: one ranking across tensors at one target sparsity', () => {
  const small = Float32Array.from({ length: 100 }, (_, i) => (i + 1) * 0.001);
  const large = Float32Array.from({ length: 100 }, (_, i) => 1 + i);
  const [a, b] = ei8.pruneGlobal([{ weights: small, shape: [10, 10] }, { weights: large, shape: [10, 10] }], { sparsity: 0.5 });
  assert.is(a.sparsity, 1);
  assert.is(b.sparsity, 0);
  const [c, d] = ei8.pruneGlobal([{ weights: small, shape: [10, 10] }, { weights: large, shape: [10, 10] }], { sparsity: 0.6, pattern: '1x2' });
  assert.is(c.sparsity + d.sparsity, 1.2);
});

test('pruned weights quantize to exact zeros that packSparse skips', () => {
  const k = 64, n = 16;
  const r = ei8.prune(floats(5, k * n), [k, n], { pattern: '2:4' });
  const q = ei8.quantize(r.weights, [k, n], { symmetric: true, axis: 1 });
  const s = ei8.packSparse(q);
  assert.is(s.format, 'nm');
  assert.is(s.nnz, (k * n) / 2);
});

// An oracle of the ranking rule: units in (score, index) order, the first `count` pruned; a block's
// score the float64 sum of its weights' scores, channel by channel, k by k.
function oracleMask(w: Float32Array, k: number, n: number, layout: 'kn' | 'nk', pattern: string, sparsity: number,
  scope: 'tensor' | 'channel', g?: Float32Array): Uint8Array {
  const at = (nn: number, kk: number) => (layout === 'kn' ? kk * n + nn : nn * k + kk);
  const score = (i: number) => (g ? Math.abs(w[i] * g[i]) : Math.abs(w[i]));
  const mask = new Uint8Array(w.length).fill(1);
  const lowest = (scores: number[], count: number) =>
    scores.map((s, u) => [s, u]).sort((x, y) => x[0] - y[0] || x[1] - y[1]).slice(0, count).map((x) => x[1]);
  const nm = /^(\d+):(\d+)$/.exec(pattern);
  if (nm) {
    const [keep, m] = [Number(nm[1]), Number(nm[2])];
    for (let nn = 0; nn < n; nn++) {
      for (let k0 = 0; k0 < k; k0 += m) {
        const len = Math.min(m, k - k0);
        const scores = Array.from({ length: len }, (_, i) => score(at(nn, k0 + i)));
        for (const i of lowest(scores, len - Math.min(keep, len))) mask[at(nn, k0 + i)] = 0;
      }
    }
    return mask;
  }
  const [r, c] = pattern === 'unstructured' ? [1, 1] : pattern.split('x').map(Number);
  const rows = Math.ceil(n / r), cols = Math.ceil(k / c);
  const scores = new Array<number>(rows * cols).fill(0);
  for (let nn = 0; nn < n; nn++) for (let kk = 0; kk < k; kk++) scores[Math.floor(nn / r) * cols + Math.floor(kk / c)] += score(at(nn, kk));
  const pruned = new Set<number>();
  if (scope === 'tensor') {
    for (const u of lowest(scores, Math.round(sparsity * scores.length))) pruned.add(u);
  } else {
    for (let row = 0; row < rows; row++) {
      for (const u of lowest(scores.slice(row * cols, (row + 1) * cols), Math.round(sparsity * cols))) pruned.add(row * cols + u);
    }
  }
  for (let nn = 0; nn < n; nn++) for (let kk = 0; kk < k; kk++) if (pruned.has(Math.floor(nn / r) * cols + Math.floor(kk / c))) mask[at(nn, kk)] = 0;
  return mask;
}

test('the ranking rule holds for every pattern, scope and layout, with ties and with enough units to sample', () => {
  const rand = rng(11);
  const values: Record<string, (len: number) => Float32Array> = {
    uniform: (len) => Float32Array.from({ length: len }, () => rand() * 2 - 1),
    ties: (len) => Float32Array.from({ length: len }, () => Math.floor(rand() * 7) - 3),
    ordered: (len) => Float32Array.from({ length: len }, (_, i) => (i % 97) / 97),
  };
  let checked = 0;
  for (const [kind, make] of Object.entries(values)) {
    // 300 x 257: 77100 units unstructured, past the size where the selection samples (select.ts).
    for (const [k, n] of [[37, 13], [300, 257]]) {
      const w = make(k * n);
      const g = values.uniform(k * n);
      for (const layout of ['kn', 'nk'] as const) {
        for (const pattern of ['unstructured', '2:4', '3:20', '1x4', '4x1', '3x5']) {
          for (const scope of pattern.includes(':') ? ['tensor' as const] : (['tensor', 'channel'] as const)) {
            for (const importance of [false, true]) {
              const sparsity = pattern.includes(':') ? undefined : 0.3 + 0.6 * rand();
              const shape: [number, number] = layout === 'kn' ? [k, n] : [n, k];
              const r = ei8.prune(w, shape, { pattern, sparsity, scope, layout, ...(importance ? { method: 'importance', gradient: g } : {}) });
              const expected = oracleMask(w, k, n, layout, pattern, sparsity ?? 0, scope, importance ? g : undefined);
              assert.ok(r.mask.every((v, i) => v === expected[i]), `${kind} ${k}x${n} ${layout} ${pattern} ${scope} importance ${importance}`);
              checked++;
            }
          }
        }
      }
    }
  }
  assert.is(checked, 3 * 2 * 2 * (2 + 4 * 2) * 2);
});

test.run();
