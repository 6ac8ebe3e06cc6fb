// CommonJS entry of the installed package: same instance and results as the ES module entry.
const ei8 = require('edge-int8');

const b = ei8.packWeights({ data: Int8Array.from([1, 2, 3, 4]), shape: [2, 2], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } });
const c = ei8.matmulInt32({ data: Int8Array.from([1, 1]), shape: [1, 2], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } }, b);
const ok = c[0] === 4 && c[1] === 6 && typeof ei8.PackedWeights === 'function';
console.log(`require('edge-int8'): isa ${ei8.cpuInfo().isa}`);
console.log(`${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
if (!ok) process.exitCode = 1;
