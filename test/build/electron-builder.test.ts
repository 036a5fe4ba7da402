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

  it('keeps native modules and wasm outside the asar archive', () => {
    const unpacked: string[] = config.asarUnpack;
    expect(unpacked.some((p) => p.includes('better-sqlite3'))).toBe(true);
    expect(unpacked.some((p) => p.includes('tfjs-backend-wasm') && p.endsWith('.wasm'))).toBe(true);
  });

  it('builds for the three desktop platforms and opens .recnb files', () => {
    expect(config.mac.target).toContain('dmg');
    expect(config.win.target).toContain('nsis');
    expect(config.linux.target).toContain('AppImage');
    expect(config.fileAssociations[0].ext).toBe('recnb');
  });

  it('pins every @tensorflow package to one version and keeps tfjs-node optional', () => {
    const all = { ...pkg.dependencies, ...pkg.optionalDependencies };
    const versions = new Set(Object.entries(all).filter(([n]) => n.startsWith('@tensorflow/')).map(([, v]) => v));
    expect(versions.size).toBe(1);
    expect(pkg.optionalDependencies['@tensorflow/tfjs-node']).toBeDefined();
    expect(pkg.dependencies['@tensorflow/tfjs-node']).toBeUndefined();
  });
});
