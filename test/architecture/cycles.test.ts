// The import-cycle check of `npm test`: no cycle between files anywhere in the
// code (the rules of .dependency-cruiser.cjs), and none between the folders of
// src/ (a folder cycle can exist without a file cycle: a → b/x and b/y → a).
// Each check is also run on a deliberately cyclic fixture and must fail there.
import { createRequire } from 'node:module';
import path from 'node:path';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const config = require('../../.dependency-cruiser.cjs') as IConfiguration;
const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.join(import.meta.dirname, 'fixtures');

async function cruiseFrom(baseDir: string, targets: string[]): Promise<ICruiseResult> {
  const previous = process.cwd();
  // depcruise resolves and reports paths relative to the working directory.
  process.chdir(baseDir);
  try {
    const reported = await cruise(targets, { ...config.options, ruleSet: { forbidden: config.forbidden ?? [] }, validate: true });
    if (typeof reported.output === 'string') throw new Error('dependency-cruiser returned a report, not a result');
    return reported.output;
  } finally {
    process.chdir(previous);
  }
}

/** The file cycles dependency-cruiser found, as "a → b" lines. */
export function fileCycles(result: ICruiseResult): string[] {
  return result.summary.violations
    .filter((violation) => violation.rule.name === 'no-circular')
    .map((violation) => [violation.from, ...(violation.cycle ?? []).map((step) => step.name)].join(' → '));
}

/** Strongly connected groups of two or more folders of src/ (Tarjan), each as "a ↔ b". */
export function folderCycles(result: ICruiseResult): string[] {
  const folderOf = (file: string): string | undefined => /^src\/([^/]+)\//.exec(file)?.[1];
  const edges = new Map<string, Set<string>>();
  for (const module of result.modules) {
    const from = folderOf(module.source);
    if (from === undefined) continue;
    for (const dependency of module.dependencies) {
      const to = folderOf(dependency.resolved);
      if (to === undefined || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)?.add(to);
    }
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member !== undefined) group.push(member);
      } while (member !== undefined && member !== node);
      if (group.length > 1) groups.push(group.sort().join(' ↔ '));
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return groups.sort();
}

describe('import cycles', () => {
  it('fails on a deliberately cyclic fixture: a file cycle through type imports, and a folder cycle without one', async () => {
    const files = await cruiseFrom(path.join(FIXTURES, 'cyclic'), ['src']);
    expect(fileCycles(files)).toEqual(['src/alpha/a.ts → src/beta/b.ts → src/alpha/a.ts']);
    expect(folderCycles(files)).toEqual(['alpha ↔ beta']);

    const folders = await cruiseFrom(path.join(FIXTURES, 'folders'), ['src']);
    expect(fileCycles(folders)).toEqual([]);
    expect(folderCycles(folders)).toEqual(['alpha ↔ beta']);
  });

  it('finds no cycle between files in src/, server/, main/, host/ and renderer/src, nor between the folders of src/', async () => {
    const result = await cruiseFrom(ROOT, ['src', 'server', 'main', 'host', 'renderer/src']);
    expect(result.summary.totalCruised).toBeGreaterThan(300);
    expect({ files: fileCycles(result), folders: folderCycles(result) }).toEqual({ files: [], folders: [] });
  });
});
