// Type-checked by scripts/test-package.mjs against the installed package (module nodenext, CommonJS).
import ei8 = require('edge-int8');

const info: ei8.CpuInfo = ei8.cpuInfo();
const w: ei8.QTensor = { data: new Int8Array(4), shape: [2, 2], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } };
const bytes: number = ei8.packWeights(w).bytes;
export = { info, bytes };
