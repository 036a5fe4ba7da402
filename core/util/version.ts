/**
 * RecLab's version, recorded with every run and bundle. A constant rather than a read of
 * package.json, so core/util needs no file system and stays browser-safe;
 * test/core/util/version.test.ts fails when it and package.json's version differ.
 */
export const APP_VERSION = '0.1.0';

/** RecLab's version (package.json's `version`). */
export function appVersion(): string {
  return APP_VERSION;
}
