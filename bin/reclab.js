#!/usr/bin/env node
// The `reclab` command: the compiled CLI (npm install builds it through `prepare`).
const path = require('node:path');
const fs = require('node:fs');
const dist = path.join(__dirname, '..', 'dist');
const compiled = path.join(dist, 'core', 'cli', 'index.js');
if (!fs.existsSync(compiled)) {
  console.error('RecLab is not built yet: run `npm run build` (npm install does it too).');
  process.exit(1);
}
// Browser mode belongs to the app, which the engine's CLI may not import: it is handed in here.
const server = path.join(dist, 'app', 'server', 'index.js');
require(compiled).main(process.argv, {
  serve: fs.existsSync(server) ? (opts) => require(server).serveCommand(opts) : undefined,
});
