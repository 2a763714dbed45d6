import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Snippet } from '@/lib/webhooks/core/guide-snippets';

/*
 * Runs the Webhooks Guide's snippets as a reader would: the snippet's own code, unchanged, in a
 * file of its language, with either its worked-example check or a small harness that feeds it the
 * bytes, header and secret of a real delivery (read from files, so nothing needs escaping).
 */

const root = path.resolve(import.meta.dirname, '..', '..');

function inTempDir<T>(work: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'kazinex-snippet-'));
  try {
    return work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const run = (command: string, args: string[], cwd = root) => execFileSync(command, args, { cwd, encoding: 'utf8', timeout: 60_000 }).trim();

/** Java's source launcher runs the first class of the file: the check goes after the imports, before the snippet's class. */
function javaSource(verify: string, main: string): string {
  const at = verify.search(/^(?:public\s+)?final class/m);
  return `${verify.slice(0, at)}${main}\n\n${verify.slice(at)}\n`;
}

/** The snippet with its worked-example check, as shown on the page; returns what it prints. */
export function runWorkedExample(snippet: Snippet): string {
  return inTempDir((dir) => {
    switch (snippet.id) {
      case 'python': {
        const file = path.join(dir, 'verify.py');
        writeFileSync(file, `${snippet.verify}\n\n${snippet.example}\n`);
        return run('python3', [file]);
      }
      case 'node': {
        const file = path.join(dir, 'verify.cjs');
        writeFileSync(file, `${snippet.verify}\n\n${snippet.example}\n`);
        return run(process.execPath, [file]);
      }
      case 'java': {
        const file = path.join(dir, 'CheckWorkedExample.java');
        writeFileSync(file, javaSource(snippet.verify, snippet.example));
        return run('java', [file]);
      }
      default:
        throw new Error(`No runtime here for ${snippet.language}`);
    }
  });
}

export type VerifyCase = { body: Buffer; signatureHeader: string; secret: string };

/**
 * The snippet's verification function on deliveries' raw bodies, signature headers and secrets, in
 * one run of its language (starting a JVM or Python costs seconds here); true where it accepts.
 */
export function runVerify(snippet: Snippet, cases: readonly VerifyCase[]): boolean[] {
  return inTempDir((dir) => {
    const files = cases.flatMap((c, i) => {
      const names = ['body', 'header', 'secret'].map((n) => path.join(dir, `${n}-${i}`));
      writeFileSync(names[0]!, c.body);
      writeFileSync(names[1]!, c.signatureHeader);
      writeFileSync(names[2]!, c.secret);
      return names;
    });
    let out: string;
    switch (snippet.id) {
      case 'python': {
        const file = path.join(dir, 'verify.py');
        writeFileSync(
          file,
          `${snippet.verify}\n\nimport sys\nread = lambda p: open(p, 'rb').read()\nargs = sys.argv[1:]\nfor i in range(0, len(args), 3):\n    print(str(verify_signature(read(args[i]), read(args[i + 1]).decode(), read(args[i + 2]).decode())).lower())\n`,
        );
        out = run('python3', [file, ...files]);
        break;
      }
      case 'node': {
        const file = path.join(dir, 'verify.cjs');
        writeFileSync(
          file,
          `${snippet.verify}\n\nconst fs = require('node:fs');\nconst args = process.argv.slice(2);\nfor (let i = 0; i < args.length; i += 3) console.log(verifySignature(fs.readFileSync(args[i]), fs.readFileSync(args[i + 1], 'utf8'), fs.readFileSync(args[i + 2], 'utf8')));\n`,
        );
        out = run(process.execPath, [file, ...files]);
        break;
      }
      case 'java': {
        const file = path.join(dir, 'Harness.java');
        const main = `class Harness {
    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i += 3) {
            byte[] body = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(args[i]));
            String header = java.nio.file.Files.readString(java.nio.file.Path.of(args[i + 1]));
            String secret = java.nio.file.Files.readString(java.nio.file.Path.of(args[i + 2]));
            System.out.println(KazinexSignature.verify(body, header, secret));
        }
    }
}`;
        writeFileSync(file, javaSource(snippet.verify, main));
        out = run('java', [file, ...files]);
        break;
      }
      default:
        throw new Error(`No runtime here for ${snippet.language}`);
    }
    const lines = out.split('\n').map((l) => l.trim());
    if (lines.length !== cases.length || lines.some((l) => l !== 'true' && l !== 'false')) fail(out);
    return lines.map((l) => l === 'true');
  });
}

/** The Standard Webhooks Node snippet (with the standardwebhooks package) on a real delivery: true when it verifies. */
export function runStandardWebhooksNode(snippet: Snippet, body: Buffer, headers: Record<string, string>, secret: string): boolean {
  return inTempDir((dir) => {
    const file = path.join(root, 'node_modules', `.kazinex-snippet-${path.basename(dir)}.cjs`);
    writeFileSync(path.join(dir, 'body'), body);
    writeFileSync(path.join(dir, 'headers.json'), JSON.stringify(headers));
    const harness = `\n\nconst fs = require('node:fs');\ntry {\n  verifyStandardWebhook(fs.readFileSync(process.argv[2], 'utf8'), JSON.parse(fs.readFileSync(process.argv[3], 'utf8')));\n  console.log('true');\n} catch (err) {\n  console.log('false');\n}\n`;
    // Written beside node_modules so that require('standardwebhooks') resolves as in a receiver's project.
    writeFileSync(file, snippet.verify + harness);
    try {
      const out = execFileSync(process.execPath, [file, path.join(dir, 'body'), path.join(dir, 'headers.json')], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, KAZINEX_WEBHOOK_SECRET: secret },
      }).trim();
      return out === 'true' ? true : out === 'false' ? false : fail(out);
    } finally {
      rmSync(file, { force: true });
    }
  });
}

function fail(out: string): never {
  throw new Error(`Unexpected snippet output: ${out}`);
}
