#!/usr/bin/env node
// The `reclab` command: the compiled CLI (npm install builds it through `prepare`).
const path = require('node:path');
const fs = require('node:fs');
const compiled = path.join(__dirname, '..', 'dist', 'core', 'cli', 'index.js');
if (!fs.existsSync(compiled)) {
  console.error('RecLab is not built yet: run `npm run build` (npm install does it too).');
  process.exit(1);
}
require(compiled).main();
