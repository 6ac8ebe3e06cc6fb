/**
 * Pruning: zero the least important weights of a float matrix so that the kernels of packSparse()
 * can skip them.
 *
 * Scores (per weight): 'magnitude' |w|; 'importance' |w * g| with g the gradient dL/dw of the same
 * shape (the first-order Taylor estimate of the loss change when w is removed). A block's score is
 * the sum of its weights' scores. Scores are computed in float64.
 *
 * Deterministic tie-breaking: units (weights, i.e. 1x1 blocks, or blocks) are pruned in ascending
 * (score, index) order, where the index is the unit's position in the row-major grid of units over
 * the [N, K] view (output channel or block row first, then k), whatever the layout of w. Inside an
 * N:M group the index is k. Global pruning numbers the units of tensor t after those of 0..t-1.
 */
import { ErrorCodes, rangeError, typeError } from './errors';
import { rankValue } from './select';
import { checkArray, checkNumber, checkOptions, checkShape } from './validate';
import type { WeightsLayout } from './weights';

export type PruneMethod = 'magnitude' | 'importance';
/** 'unstructured', 'N:M' along K (e.g. '2:4', '4:8', '1:4'), or a block 'RxC' of R output channels x C consecutive k. */
export type PrunePattern = string;

export interface PruneOptions {
  /** Fraction of weights to remove, in [0, 1]. Not used by N:M patterns (their sparsity is 1 - N/M). */
  sparsity?: number;
  /** Default 'magnitude'. */
  method?: PruneMethod;
  /** dL/dw, same shape as w; required by 'importance'. */
  gradient?: Float32Array;
  /** Default 'unstructured'. */
  pattern?: PrunePattern;
  /** 'tensor' (default): one ranking for the whole tensor; 'channel': the target in every output channel (block row). */
  scope?: 'tensor' | 'channel';
  /** Layout of w: 'kn' ([K, N], default, as packWeights) or 'nk' ([N, K]). */
  layout?: WeightsLayout;
}

export interface PruneResult {
  /** A copy of w with the pruned weights set to 0. */
  weights: Float32Array;
  /** 1 where a weight is kept, 0 where it was pruned; same layout as w. */
  mask: Uint8Array;
  /** Fraction of weights pruned (mask zeros / size). */
  sparsity: number;
}

export interface PruneTensor {
  weights: Float32Array;
  shape: [number, number];
  gradient?: Float32Array;
  layout?: WeightsLayout;
}

type Parsed = { kind: 'unstructured' } | { kind: 'nm'; n: number; m: number } | { kind: 'block'; r: number; c: number };

function parsePattern(fn: string, pattern: unknown): Parsed {
  if (pattern === undefined || pattern === 'unstructured') return { kind: 'unstructured' };
  if (typeof pattern !== 'string') throw typeError(fn, `pattern must be a string, got ${typeof pattern}`);
  const nm = /^(\d+):(\d+)$/.exec(pattern);
  if (nm) {
    const n = Number(nm[1]);
    const m = Number(nm[2]);
    if (n < 1 || m < n || m > 256) throw rangeError(fn, `pattern '${pattern}' needs 1 <= N <= M <= 256`, ErrorCodes.OUT_OF_RANGE);
    return { kind: 'nm', n, m };
  }
  const block = /^(\d+)x(\d+)$/.exec(pattern);
  if (block) {
    const r = Number(block[1]);
    const c = Number(block[2]);
    if (r < 1 || c < 1 || r > 256 || c > 256) {
      throw rangeError(fn, `pattern '${pattern}' needs blocks between 1x1 and 256x256`, ErrorCodes.OUT_OF_RANGE);
    }
    return { kind: 'block', r, c };
  }
  throw rangeError(fn, `pattern must be 'unstructured', 'N:M' or 'RxC', got '${pattern}'`, ErrorCodes.OUT_OF_RANGE);
}

/** One checked tensor: its [K, N] geometry, with the arrays its scores come from. */
interface Prepared {
  w: Float32Array;
  /** dL/dw for 'importance', else undefined */
  g: Float32Array | undefined;
  k: number;
  n: number;
  layout: WeightsLayout;
}

function prepare(fn: string, name: string, t: PruneTensor, method: PruneMethod): Prepared {
  const count = checkShape(fn, `${name}.shape`, t.shape);
  if (t.shape.length !== 2) throw rangeError(fn, `${name}.shape must be 2-D, got [${t.shape.join(', ')}]`, ErrorCodes.INVALID_SHAPE);
  const w = checkArray(fn, name === 'w' ? 'w' : `${name}.weights`, t.weights, 'Float32Array', count);
  const layout = t.layout ?? 'kn';
  if (layout !== 'kn' && layout !== 'nk') throw rangeError(fn, `layout must be 'kn' or 'nk', got ${String(layout)}`, ErrorCodes.OUT_OF_RANGE);
  const [k, n] = layout === 'kn' ? t.shape : [t.shape[1], t.shape[0]];
  let g: Float32Array | undefined;
  if (method === 'importance') {
    if (t.gradient === undefined) throw typeError(fn, "method 'importance' needs a gradient (Float32Array of w's shape)");
    g = checkArray(fn, name === 'w' ? 'gradient' : `${name}.gradient`, t.gradient, 'Float32Array', count);
  }
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(w[i])) throw rangeError(fn, `${name === 'w' ? 'w' : `${name}.weights`}[${i}] is ${w[i]}`, ErrorCodes.NON_FINITE);
    if (g && !Number.isFinite(g[i])) throw rangeError(fn, `${name === 'w' ? 'gradient' : `${name}.gradient`}[${i}] is ${g[i]}`, ErrorCodes.NON_FINITE);
  }
  return { w, g, k, n, layout };
}

/** The score of element i of w (float64: |w * g| of two float32 values is exact there). */
function score(w: Float32Array, g: Float32Array | undefined, i: number): number {
  return g ? Math.abs(w[i] * g[i]) : Math.abs(w[i]);
}

/** Up to this many units, pruneLowest ranks each unit against the others instead of selecting. */
const kRankUnits = 16;

/** Marks pruned[u] = 1 for the `count` units of lowest (score, index); units are 0..scores.length-1. */
function pruneLowest(scores: Float64Array, count: number, pruned: Uint8Array): void {
  const units = scores.length;
  if (count <= 0) return;
  if (count >= units) {
    pruned.fill(1);
    return;
  }
  if (units <= kRankUnits) {
    // N:M groups: rank = the units before u in (score, index) order, counted without branches
    // (the comparisons of random scores mispredict half the time).
    for (let u = 0; u < units; u++) {
      const s = scores[u];
      let rank = 0;
      for (let v = 0; v < u; v++) rank += Number(scores[v] <= s);
      for (let v = u + 1; v < units; v++) rank += Number(scores[v] < s);
      if (rank < count) pruned[u] = 1;
    }
    return;
  }
  const { value: threshold, below } = rankValue(scores, count - 1);
  let ties = count - below;  // the units at the threshold to prune, in index order
  for (let u = 0; u < units; u++) {
    const s = scores[u];
    if (s < threshold) {
      pruned[u] = 1;
    } else if (s === threshold && ties > 0) {
      pruned[u] = 1;
      ties--;
    }
  }
}

/** The grid of units of a tensor for a pattern: blocks of r output channels x c consecutive k. */
function unitGrid(p: Prepared, r: number, c: number): { rows: number; cols: number } {
  return { rows: Math.ceil(p.n / r), cols: Math.ceil(p.k / c) };
}

/**
 * Each unit's score, the sum of its weights' scores (in the order output channel, then k), into
 * `scores` (rows x cols of unitGrid, zeroed). A 'kn' tensor is walked in tiles of whole blocks of k,
 * so that neither w's lines (a k apart: N floats) nor the scores' leave the cache between uses.
 */
function unitScores(p: Prepared, r: number, c: number, scores: Float64Array): void {
  const { w, g, k, n } = p;
  const { cols } = unitGrid(p, r, c);
  const col = unitColumns(k, c);
  if (p.layout === 'nk') {
    for (let nn = 0, i = 0; nn < n; nn++) {
      const row = Math.floor(nn / r) * cols;
      for (let kk = 0; kk < k; kk++, i++) scores[row + col[kk]] += score(w, g, i);
    }
    return;
  }
  if (r === 1 && c === 1) {
    // A transpose, in tiles of 64 x 64: reads along w's rows, writes 64 lines of scores at a time.
    for (let k0 = 0; k0 < k; k0 += 64) {
      const k1 = Math.min(k, k0 + 64);
      for (let n0 = 0; n0 < n; n0 += 64) {
        const n1 = Math.min(n, n0 + 64);
        for (let kk = k0; kk < k1; kk++) {
          for (let nn = n0, i = kk * n + n0; nn < n1; nn++, i++) scores[nn * cols + kk] = score(w, g, i);
        }
      }
    }
    return;
  }
  // A block's weights are added in the order (channel, k), as the 'nk' walk does: tiles of whole
  // blocks of k, channels in order inside.
  const tile = c * Math.max(1, Math.floor(64 / c));
  for (let k0 = 0; k0 < k; k0 += tile) {
    const k1 = Math.min(k, k0 + tile);
    for (let nn = 0; nn < n; nn++) {
      const row = Math.floor(nn / r) * cols;
      for (let kk = k0; kk < k1; kk++) scores[row + col[kk]] += score(w, g, kk * n + nn);
    }
  }
}

/** The unit column of each k: floor(k / c), looked up in the loops over weights rather than divided. */
function unitColumns(k: number, c: number): Int32Array {
  const col = new Int32Array(k);
  for (let kk = 0; kk < k; kk++) col[kk] = Math.floor(kk / c);
  return col;
}

/**
 * The keep-mask (same layout as w) of the pruned units, written in w's order; a 'kn' tensor in
 * tiles of 64 x 64, so that the units' lines (an output channel apart) stay in cache between uses.
 */
function maskOf(p: Prepared, r: number, c: number, pruned: Uint8Array): Uint8Array {
  const { k, n } = p;
  const { cols } = unitGrid(p, r, c);
  const col = unitColumns(k, c);
  const mask = new Uint8Array(p.w.length);
  const rowOf = (nn: number) => Math.floor(nn / r) * cols;
  if (p.layout === 'nk') {
    for (let nn = 0, i = 0; nn < n; nn++) {
      const row = rowOf(nn);
      for (let kk = 0; kk < k; kk++, i++) mask[i] = 1 - pruned[row + col[kk]];
    }
    return mask;
  }
  const rows = Int32Array.from({ length: n }, (_, nn) => rowOf(nn));
  for (let k0 = 0; k0 < k; k0 += 64) {
    const k1 = Math.min(k, k0 + 64);
    for (let n0 = 0; n0 < n; n0 += 64) {
      const n1 = Math.min(n, n0 + 64);
      for (let kk = k0; kk < k1; kk++) {
        const unit = col[kk];
        for (let nn = n0, i = kk * n + n0; nn < n1; nn++, i++) mask[i] = 1 - pruned[rows[nn] + unit];
      }
    }
  }
  return mask;
}

function finish(p: Prepared, mask: Uint8Array): PruneResult {
  const weights = new Float32Array(p.w.length);
  let zeros = 0;
  for (let i = 0; i < weights.length; i++) {
    if (mask[i]) weights[i] = p.w[i];
    else zeros++;
  }
  return { weights, mask, sparsity: zeros / weights.length };
}

function checkSparsity(fn: string, value: unknown): number {
  const s = checkNumber(fn, 'sparsity', value);
  if (s < 0 || s > 1) throw rangeError(fn, `sparsity (${s}) must be in [0, 1]`, ErrorCodes.OUT_OF_RANGE);
  return s;
}

function checkMethod(fn: string, value: unknown): PruneMethod {
  if (value === undefined) return 'magnitude';
  if (value !== 'magnitude' && value !== 'importance') {
    throw rangeError(fn, `method must be 'magnitude' or 'importance', got ${String(value)}`, ErrorCodes.OUT_OF_RANGE);
  }
  return value;
}

function pruneNm(fn: string, p: Prepared, n: number, m: number, sparsity: unknown): PruneResult {
  if (sparsity !== undefined && Math.abs(checkSparsity(fn, sparsity) - (1 - n / m)) > 1e-9) {
    throw rangeError(fn, `sparsity (${String(sparsity)}) contradicts the pattern ${n}:${m} (${1 - n / m})`, ErrorCodes.OUT_OF_RANGE);
  }
  const { w, g, k, n: channels } = p;
  const mask = new Uint8Array(w.length).fill(1);
  const group = new Float64Array(m);
  const pruned = new Uint8Array(m);
  // Element i of the group at (channel nn, k0): w[at + i * step]. A 'kn' tensor is walked a group of
  // k at a time across the channels, so that its m lines serve 16 channels each.
  const step = p.layout === 'kn' ? channels : 1;
  const one = (nn: number, k0: number) => {
    const len = Math.min(m, k - k0);
    const at = p.layout === 'kn' ? k0 * channels + nn : nn * k + k0;
    const scores = len === m ? group : group.subarray(0, len);
    for (let i = 0; i < len; i++) scores[i] = score(w, g, at + i * step);
    pruneLowest(scores, len - Math.min(n, len), pruned);
    for (let i = 0; i < len; i++) {
      if (pruned[i]) {
        mask[at + i * step] = 0;
        pruned[i] = 0;
      }
    }
  };
  if (p.layout === 'kn') {
    for (let k0 = 0; k0 < k; k0 += m) for (let nn = 0; nn < channels; nn++) one(nn, k0);
  } else {
    for (let nn = 0; nn < channels; nn++) for (let k0 = 0; k0 < k; k0 += m) one(nn, k0);
  }
  return finish(p, mask);
}

/**
 * Prunes one weight matrix w (2-D, [K, N] or [N, K] by `layout`) to the target sparsity with the
 * pattern, scope and method given. Returns the pruned copy, the keep-mask and the sparsity reached.
 */
export function prune(w: Float32Array, shape: [number, number], opts?: PruneOptions): PruneResult {
  const fn = 'prune';
  const o = checkOptions(fn, opts, ['sparsity', 'method', 'gradient', 'pattern', 'scope', 'layout']) as PruneOptions;
  const method = checkMethod(fn, o.method);
  const pattern = parsePattern(fn, o.pattern);
  const scope = o.scope ?? 'tensor';
  if (scope !== 'tensor' && scope !== 'channel') {
    throw rangeError(fn, `scope must be 'tensor' or 'channel' (pruneGlobal prunes across tensors), got ${String(scope)}`,
      ErrorCodes.OUT_OF_RANGE);
  }
  const p = prepare(fn, 'w', { weights: w, shape, gradient: o.gradient, layout: o.layout }, method);
  if (pattern.kind === 'nm') return pruneNm(fn, p, pattern.n, pattern.m, o.sparsity);
  if (o.sparsity === undefined) throw typeError(fn, 'sparsity (a number in [0, 1]) is required');
  const sparsity = checkSparsity(fn, o.sparsity);
  const [r, c] = pattern.kind === 'block' ? [pattern.r, pattern.c] : [1, 1];
  const { rows, cols } = unitGrid(p, r, c);
  const scores = new Float64Array(rows * cols);
  unitScores(p, r, c, scores);
  const pruned = new Uint8Array(scores.length);
  if (scope === 'tensor') {
    pruneLowest(scores, Math.round(sparsity * scores.length), pruned);
  } else {
    for (let row = 0; row < rows; row++) {
      const part = pruned.subarray(row * cols, (row + 1) * cols);
      pruneLowest(scores.subarray(row * cols, (row + 1) * cols), Math.round(sparsity * cols), part);
    }
  }
  return finish(p, maskOf(p, r, c, pruned));
}

/**
 * Global pruning: one ranking across several tensors (e.g. every linear layer of a model), so that
 * the target sparsity holds overall while each tensor loses what its scores warrant. Patterns:
 * unstructured or blocks. Options as prune() (scope does not apply).
 */
export function pruneGlobal(tensors: PruneTensor[], opts: Omit<PruneOptions, 'gradient' | 'scope' | 'layout'>): PruneResult[] {
  const fn = 'pruneGlobal';
  if (!Array.isArray(tensors) || tensors.length === 0) throw typeError(fn, 'tensors must be a non-empty array of { weights, shape }');
  if (opts === undefined) throw typeError(fn, 'opts { sparsity } is required');
  const o = checkOptions(fn, opts, ['sparsity', 'method', 'pattern']) as PruneOptions;
  const method = checkMethod(fn, o.method);
  const pattern = parsePattern(fn, o.pattern);
  if (pattern.kind === 'nm') {
    throw rangeError(fn, 'N:M fixes the sparsity of every group: prune each tensor with prune()', ErrorCodes.OUT_OF_RANGE);
  }
  if (o.sparsity === undefined) throw typeError(fn, 'sparsity (a number in [0, 1]) is required');
  const sparsity = checkSparsity(fn, o.sparsity);
  const [r, c] = pattern.kind === 'block' ? [pattern.r, pattern.c] : [1, 1];
  const prepared = tensors.map((t, i) => {
    if (t === null || typeof t !== 'object') throw typeError(fn, `tensors[${i}] must be { weights, shape }`);
    return prepare(fn, `tensors[${i}]`, t, method);
  });
  const sizes = prepared.map((p) => {
    const { rows, cols } = unitGrid(p, r, c);
    return rows * cols;
  });
  const total = sizes.reduce((s, u) => s + u, 0);
  const all = new Float64Array(total);
  let offset = 0;
  prepared.forEach((p, i) => {
    unitScores(p, r, c, all.subarray(offset, offset + sizes[i]));
    offset += sizes[i];
  });
  const pruned = new Uint8Array(total);
  pruneLowest(all, Math.round(sparsity * total), pruned);
  offset = 0;
  return prepared.map((p, i) => {
    const mask = maskOf(p, r, c, pruned.subarray(offset, offset + sizes[i]));
    offset += sizes[i];
    return finish(p, mask);
  });
}
