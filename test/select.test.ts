/** Linear-time order statistics and sorting (ts/select.ts) against TypedArray sort. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rankValue, selectRank, sortFloat32 } from '../ts/select';
import { rng } from './helpers';

const rand = rng(23);
const kinds: Record<string, (n: number) => number[]> = {
  uniform: (n) => Array.from({ length: n }, () => rand() * 2 - 1),
  ties: (n) => Array.from({ length: n }, () => Math.floor(rand() * 5) - 2),
  signedZeros: (n) => Array.from({ length: n }, () => (rand() < 0.5 ? (rand() < 0.5 ? -0 : 0) : rand() - 0.5)),
  wide: (n) => Array.from({ length: n }, () => (rand() - 0.5) * 2 ** Math.floor(rand() * 300 - 150)),
  ascending: (n) => Array.from({ length: n }, (_, i) => i),
  descending: (n) => Array.from({ length: n }, (_, i) => -i),
  organPipe: (n) => Array.from({ length: n }, (_, i) => Math.min(i, n - i)),
};
// Sizes below and above the thresholds where the code changes method (16, 512, 65536).
const sizes = [1, 2, 15, 17, 511, 513, 4096, 70000];

test('sortFloat32 orders as TypedArray sort, -0 before +0, denormals and infinities included', () => {
  const scratch = new Uint32Array(70000);
  for (const [kind, make] of Object.entries(kinds)) {
    for (const n of sizes) {
      const values = Float32Array.from(make(n));
      if (n > 4) values.set([Infinity, -Infinity, 1e-45, -1e-45], 0);
      const expected = values.slice().sort();
      sortFloat32(values, scratch);
      assert.ok(values.every((v, i) => Object.is(v, expected[i])), `${kind} ${n}`);
    }
  }
});

test('selectRank and rankValue give the value of every rank and the count below it', () => {
  for (const [kind, make] of Object.entries(kinds)) {
    for (const n of sizes) {
      const values = Float64Array.from(make(n));
      const sorted = values.slice().sort();
      const ranks = n <= 17 ? Array.from({ length: n }, (_, i) => i) : [0, 1, n >> 3, n >> 1, n - 2, n - 1];
      for (const k of ranks) {
        assert.is(selectRank(values.slice(), k), sorted[k], `selectRank ${kind} ${n} ${k}`);
        const before = values.slice();
        const { value, below } = rankValue(values, k);
        assert.is(value, sorted[k], `rankValue ${kind} ${n} ${k}`);
        assert.is(below, sorted.findIndex((v) => v === sorted[k]), `below ${kind} ${n} ${k}`);
        assert.ok(values.every((v, i) => Object.is(v, before[i])), 'rankValue leaves its input alone');
      }
    }
  }
});

test.run();
