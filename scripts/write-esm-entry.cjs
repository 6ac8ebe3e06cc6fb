// Writes dist/index.mjs: an ES module re-exporting the CommonJS build, so that `import` and
// `require` share one instance (one native addon, one PackedWeights class).
const fs = require('fs');
const path = require('path');

const dist = path.join(__dirname, '..', 'dist');
const cjs = fs.readFileSync(path.join(dist, 'index.js'), 'utf8');
const names = new Set();
for (const m of cjs.matchAll(/Object\.defineProperty\(exports, "(\w+)"/g)) names.add(m[1]);
for (const m of cjs.matchAll(/^exports\.(\w+) = /gm)) names.add(m[1]);
names.delete('__esModule');
const list = [...names].sort();
fs.writeFileSync(path.join(dist, 'index.mjs'),
  `import cjs from './index.js';\n\nexport const {\n${list.map((n) => `  ${n},`).join('\n')}\n} = cjs;\nexport default cjs;\n`);
fs.writeFileSync(path.join(dist, 'index.d.mts'), `export * from './index.js';\nexport * as default from './index.js';\n`);
