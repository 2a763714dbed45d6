import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Runs the tutorial's Python verify_signature on the exact bytes a receiver got. */
export function verifyWithTutorialPython(body: Buffer, signatureHeader: string, secret: string): boolean {
  const dir = mkdtempSync(path.join(tmpdir(), 'kazinex-verify-'));
  try {
    const file = path.join(dir, 'body');
    writeFileSync(file, body);
    const out = execFileSync('python3', [path.join(import.meta.dirname, 'verify_signature.py'), file, signatureHeader, secret], { encoding: 'utf8' });
    return out.trim() === 'valid';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
