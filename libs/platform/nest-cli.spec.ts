import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

// nest-cli.json describes the monorepo to Nest's CLI: every app under apps/ with a main.ts and
// every lib under libs/ with an index.ts is a project of it, so that `nest build <name>` and the
// schematics know them all.
const root = join(import.meta.dirname, '../..');
const dirsWith = (parent: string, entry: string): string[] =>
  readdirSync(join(root, parent), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, parent, d.name, entry)))
    .map((d) => d.name)
    .sort();

describe('nest-cli.json', () => {
  const config = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8')) as {
    projects: Record<string, { type: string; root: string; entryFile: string }>;
  };
  const projects = (type: string): string[] =>
    Object.entries(config.projects)
      .filter(([, p]) => p.type === type)
      .map(([name, p]) => {
        expect(p.root.endsWith(`/${name}`)).toBe(true);
        return name;
      })
      .sort();

  it('lists every app', () => {
    expect(projects('application')).toEqual(dirsWith('apps', 'main.ts'));
  });

  it('lists every lib', () => {
    expect(projects('library')).toEqual(dirsWith('libs', 'index.ts'));
  });
});
