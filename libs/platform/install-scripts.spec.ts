import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// package.json's allowScripts names every installed dependency that has an install script, so
// that npm 11 installs without listing unreviewed scripts and npm 12, which skips them, installs
// the tree this suite runs on. A dependency that gains a script fails here until someone decides.
const root = join(import.meta.dirname, '../..');

interface Manifest {
  name: string;
  scripts?: Record<string, string>;
}

/** Whether npm runs an install script for the package in `dir` (node-gyp's is implicit). */
function hasInstallScript(dir: string, manifest: Manifest): boolean {
  const scripts = manifest.scripts ?? {};
  return (
    ['preinstall', 'install', 'postinstall'].some((name) => name in scripts) ||
    existsSync(join(dir, 'binding.gyp'))
  );
}

/** The names of the packages under `modules` (and their nested node_modules) with one. */
function withInstallScripts(modules: string, found = new Set<string>()): Set<string> {
  if (!existsSync(modules)) {
    return found;
  }
  for (const entry of readdirSync(modules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) {
      continue;
    }
    const dirs = entry.name.startsWith('@')
      ? readdirSync(join(modules, entry.name)).map((name) => join(modules, entry.name, name))
      : [join(modules, entry.name)];
    for (const dir of dirs) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) {
        continue;
      }
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
      if (hasInstallScript(dir, manifest)) {
        found.add(manifest.name);
      }
      withInstallScripts(join(dir, 'node_modules'), found);
    }
  }
  return found;
}

describe('allowScripts', () => {
  it('decides on every installed dependency with an install script', () => {
    const { allowScripts = {} } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      allowScripts?: Record<string, boolean>;
    };
    const decided = Object.keys(allowScripts).map((key) => key.replace(/(?<=.)@.*$/, ''));
    expect([...withInstallScripts(join(root, 'node_modules'))].sort()).toEqual(decided.sort());
  });
});
