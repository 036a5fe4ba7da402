import fs from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

/** RecLab's version from its package.json, found by walking up from this file (works from source and dist). */
export function appVersion(): string {
  if (cached) return cached;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'reclab' && pkg.version) return (cached = pkg.version);
    }
    dir = path.dirname(dir);
  }
  return (cached = '0.0.0-unknown');
}
