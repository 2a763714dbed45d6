import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The import rules of the code layout (README, "How the code is laid out"): the folder a file is in
 * says which process runs it and what it may load.
 */

const root = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  const full = path.join(root, dir);
  return readdirSync(full).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) return sourceFiles(rel);
    return /\.(ts|tsx)$/.test(name) ? [rel] : [];
  });
}

/** Every module a file imports, as written, and relative ones resolved to repository paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)].map(
    (m) => m[1] ?? m[2] ?? m[3]!,
  );
  return specs.map((s) => (s.startsWith('.') ? path.normalize(path.join(path.dirname(file), s)) : s.startsWith('@/') ? s.slice(2) : s));
}

const lib = sourceFiles('lib');
const stageOf = (file: string) => /^lib\/webhooks\/([^/]+)\//.exec(file)?.[1];
const violations = (files: string[], forbidden: (spec: string, file: string) => boolean) =>
  files.flatMap((file) => importsOf(file).filter((spec) => forbidden(spec, file)).map((spec) => `${file} imports ${spec}`));

describe('code layout', () => {
  it('keeps only a handful of files at the top of lib/webhooks; the rest sit in stage folders', () => {
    const top = readdirSync(path.join(root, 'lib/webhooks')).filter((n) => statSync(path.join(root, 'lib/webhooks', n)).isFile());
    expect(top.length).toBeLessThanOrEqual(5);
    const stages = new Set(lib.flatMap((f) => stageOf(f) ?? []));
    expect([...stages].sort()).toEqual(['actions', 'core', 'deliver', 'manage', 'publish', 'queue', 'read']);
  });

  it('nothing under lib/ imports app/, components/ or worker/', () => {
    expect(violations(lib, (spec) => /^(app|components|worker)\//.test(spec))).toEqual([]);
  });

  it('core/ is pure: no database, framework, queue, network or other stage', () => {
    const core = lib.filter((f) => stageOf(f) === 'core');
    expect(core.length).toBeGreaterThan(5);
    const impure = /^(db\/|drizzle-orm|postgres$|pg-boss|next|react|node:(dns|http|https|http2|tls|net\/|child_process|fs|dgram)|lib\/(env|auth|net|crypto)|lib\/webhooks\/(?!core\/))/;
    expect(violations(core, (spec) => impure.test(spec))).toEqual([]);
  });

  it('only queue/ knows pg-boss', () => {
    expect(violations(lib, (spec, file) => spec.startsWith('pg-boss') && stageOf(file) !== 'queue')).toEqual([]);
  });

  it("only actions/ holds 'use server' and Next.js code among the webhook stages", () => {
    const webhooks = lib.filter((f) => stageOf(f) && stageOf(f) !== 'actions');
    expect(webhooks.filter((f) => /^\s*['"]use server['"]/m.test(readFileSync(path.join(root, f), 'utf8')))).toEqual([]);
    expect(violations(webhooks, (spec) => /^next(\/|-auth|$)/.test(spec))).toEqual([]);
  });

  it('the web side never loads the worker side, and the worker side never loads the web side', () => {
    const web = ['publish', 'manage', 'read', 'actions'];
    expect(violations(lib.filter((f) => web.includes(stageOf(f) ?? '')), (spec) => spec.startsWith('lib/webhooks/deliver/'))).toEqual([]);
    expect(violations(lib.filter((f) => stageOf(f) === 'deliver'), (spec) => web.some((s) => spec.startsWith(`lib/webhooks/${s}/`)))).toEqual([]);
    const pages = [...sourceFiles('app'), ...sourceFiles('components')];
    expect(violations(pages, (spec) => spec.startsWith('lib/webhooks/deliver/') || spec === 'worker' || spec.startsWith('worker/'))).toEqual([]);
  });

  it('the import scanner sees the imports it checks', () => {
    expect(importsOf('lib/webhooks/deliver/record.ts')).toEqual(expect.arrayContaining(['db/client', 'lib/webhooks/deliver/fence', 'drizzle-orm']));
  });
});
