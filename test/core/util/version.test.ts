import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appVersion } from '../../../core/util';

describe('appVersion', () => {
  it("is package.json's version (bump both together)", () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(appVersion()).toBe(pkg.version);
  });
});
