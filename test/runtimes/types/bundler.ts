// Type-checked by scripts/test-package.mjs against the installed package (moduleResolution bundler
// and node10): what a bundled app or an older CommonJS project sees.
import { matmulF32, quantize, type QuantizeOptions } from 'edge-int8';

const opts: QuantizeOptions = { dtype: 'uint8' };
const q = quantize(new Float32Array(4), [2, 2], opts);
export const run = matmulF32;
export { q };
