/** One sample of the Prometheus text exposition format: `name{label="value",…} value`. */
export type Sample = { name: string; labels: Record<string, string>; value: number };

export type Exposition = { samples: Sample[]; types: Map<string, string> };

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the text format strictly: a line that is neither a comment nor a sample fails the parse. */
export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type) types.set(type[1]!, type[2]!);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`Not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    // Prometheus reads values as Go's ParseFloat does: NaN and Inf in any letter case.
    const raw = match[3]!.toLowerCase();
    const value = raw === 'nan' ? Number.NaN : /^[+-]?inf$/.test(raw) ? (raw.startsWith('-') ? -Infinity : Infinity) : Number(raw);
    if (raw !== 'nan' && Number.isNaN(value)) throw new Error(`Not a sample value: ${line}`);
    samples.push({ name: match[1]!, labels, value });
  }
  return { samples, types };
}

/** The value of the one sample with this name and (at least) these labels; 0 when there is none. */
export function valueOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  const found = exposition.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}

export async function scrape(url: string): Promise<Exposition> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('text/plain')) throw new Error(`${url} answered with content type ${type}`);
  return parseExposition(await res.text());
}

/** What a worker's parked release has done so far (lib/webhooks/deliver/release.ts), from its metrics. */
export type ReleaseFigures = { held: number; queued: number; made: number; seconds: number };

export function releaseFigures(exposition: Exposition): ReleaseFigures {
  return {
    held: valueOf(exposition, 'kazinex_parked_attempts_released_total', { outcome: 'held' }),
    queued: valueOf(exposition, 'kazinex_parked_attempts_released_total', { outcome: 'queued' }),
    made: valueOf(exposition, 'kazinex_fanout_deliveries_made_total'),
    seconds: valueOf(exposition, 'kazinex_parked_release_seconds_total'),
  };
}
