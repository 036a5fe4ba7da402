import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const config = parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8'));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('electron-builder.yml', () => {
  it('packages the compiled app and names it', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z0-9-]+)+$/);
    expect(config.productName).toBe('RecLab');
    expect(config.files).toContain('dist/**/*');
    expect(config.extraMetadata.main).toBe(pkg.main);
  });

  it('ships the built workbench, the Electron entry points and the example notebooks a first launch seeds', () => {
    expect(config.files).toContain('experiments/*.recnb');
    expect(pkg.main).toBe('dist/app/main/main.js');
    // The build writes the entries electron-builder packs (npm test builds first).
    for (const f of ['dist/app/main/main.js', 'dist/app/preload/preload.js', 'dist/app/host/host-process.js', 'dist/app/renderer/index.html', 'dist/core/worker/worker-main.js'])
      expect(fs.existsSync(path.join(root, f)), f).toBe(true);
  });

  it('keeps native modules and wasm outside the asar archive', () => {
    const unpacked: string[] = config.asarUnpack;
    expect(unpacked.some((p) => p.includes('better-sqlite3'))).toBe(true);
    expect(unpacked.some((p) => p.includes('tfjs-backend-wasm') && p.endsWith('.wasm'))).toBe(true);
  });

  it('builds for the three desktop platforms and opens .recnb files', () => {
    expect(config.mac.target).toContain('dmg');
    expect(config.win.target).toContain('nsis');
    expect(config.linux.target).toContain('AppImage');
    expect(config.linux.target).toContain('deb');
    expect(config.fileAssociations[0].ext).toBe('recnb');
  });

  it('pins every @tensorflow package to one version and keeps tfjs-node optional', () => {
    const all = { ...pkg.dependencies, ...pkg.optionalDependencies };
    const versions = new Set(Object.entries(all).filter(([n]) => n.startsWith('@tensorflow/')).map(([, v]) => v));
    expect(versions.size).toBe(1);
    expect(pkg.optionalDependencies['@tensorflow/tfjs-node']).toBeDefined();
    expect(pkg.dependencies['@tensorflow/tfjs-node']).toBeUndefined();
  });

  it('keeps Electron optional, so npm ci succeeds where its binary cannot be downloaded', () => {
    expect(pkg.optionalDependencies.electron).toBeDefined();
    expect(pkg.dependencies.electron).toBeUndefined();
    expect(pkg.devDependencies.electron).toBeUndefined();
    // npm runs its download script (where it fails, npm drops the optional package and goes on).
    expect(pkg.allowScripts.electron).toBe(true);
  });
});
