import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { curlArgs, curlCommand, shellQuote } from '@/lib/webhooks/core/curl';

/** What a real POSIX shell makes of `command` when its first word runs as `printf '%s\0'`: the argument list curl would get. */
function shellWords(command: string): string[] {
  const script = command.replace(/^curl/, `printf '%s\\0'`);
  const out = execFileSync('/bin/sh', ['-c', script]);
  return out.toString('utf8').split('\0').slice(0, -1);
}

const hostile = [
  `it's`,
  `'; rm -rf / #`,
  `$(touch /tmp/kazinex-curl-pwned)`,
  '`id`',
  '${HOME}',
  '"double" \\ back\\slash',
  'line one\nline two',
  '\\\'',
  '-o /etc/passwd',
  '日本語 ✓',
  '',
];

describe('Copy as cURL', () => {
  it('quotes every hostile value so the shell hands curl exactly the recorded strings', () => {
    for (const value of hostile) {
      const request = {
        url: `https://example.com/hook?q=${value}`,
        headers: { 'x-kazinex-event': value, 'content-type': 'application/json' },
        body: JSON.stringify({ note: value }) + value,
      };
      expect(shellWords(curlCommand(request))).toEqual(curlArgs(request));
      expect(shellWords(`curl ${shellQuote(value)}`)).toEqual([value]);
    }
  });

  it('sends the URL, each header and the body as recorded, without the headers curl sets itself', () => {
    const args = curlArgs({
      url: 'https://erp.example.com/kazinex-webhook',
      headers: { 'Content-Type': 'application/json', 'Content-Length': '17', Host: 'erp.example.com', 'X-Kazinex-Signature': 'sha256=ab' },
      body: '{"event":"x"}',
    });
    expect(args).toEqual([
      '--request',
      'POST',
      '--url',
      'https://erp.example.com/kazinex-webhook',
      '--header',
      'Content-Type: application/json',
      '--header',
      'X-Kazinex-Signature: sha256=ab',
      '--data-raw',
      '{"event":"x"}',
    ]);
  });

  it('runs nothing while the shell reads it', () => {
    const marker = `/tmp/kazinex-curl-${process.pid}-${Date.now()}`;
    const command = curlCommand({ url: 'https://example.com/', headers: { a: `$(touch ${marker})` }, body: `'; touch ${marker}; '` });
    shellWords(command);
    expect(() => execFileSync('test', ['-e', marker])).toThrow();
  });
});
