import { onSlowedPool } from '@/db/client';
import { componentLog, describeError } from '@/lib/observability/log';
import type { DeliveryContext } from '@/lib/webhooks/deliver/attempt';
import { releaseDueAttempts } from '@/lib/webhooks/deliver/release';
import type { SlowdownMoves } from './slowdown-moves';

const logger = componentLog('worker');

/**
 * Parked attempts released, and fanned-out deliveries made, by one transaction at most: bounded
 * statements, whatever the backlog.
 */
const RELEASE_BATCH = 1_000;
/**
 * How often to look for parked attempts that fell due, when the last look found fewer than a batch.
 * Each look records a dead endpoint's held-back attempts together with a few rows per endpoint (its
 * counters, its hourly statistics): looking once a second instead of four times writes those rows
 * a quarter as often, which healthy deliveries share the database with. A lagging endpoint's job
 * leaving its slot wakes the release at once (`wake`), so its next attempt does not wait for the look.
 */
const RELEASE_POLL_MS = 1_000;
/** A wake brings the next look forward, but never closer than this to the one before. */
const RELEASE_WAKE_GAP_MS = 250;
/**
 * After a whole batch, the release rests twice as long as the batch took: a backlog is worked
 * through at a third of a database connection's pace, not at the full pace of the machine, which
 * answering endpoints' deliveries share. The backlog comes when lagging endpoints time out: the
 * attempts parked while they waited for their cap (about 10,000 at 200 dead endpoints and 5
 * events/s) are all due and held back at once. Resting as long as each batch took, the answering
 * endpoints' worst latency of each of the ten seconds after that time-out averaged 53–71 ms in
 * six runs (their phase's p99 61–88 ms); resting twice as long, 46–54 ms (p99 57–70 ms), and
 * attempts that fell due once the endpoint was slowed down were recorded at worst 4.9–5.9 s late
 * instead of 3.5–4.1 s.
 */
const RELEASE_REST_RATIO = 2;

/**
 * Releases the parked attempts of slowed-down and lagging endpoints (queue/parked.ts,
 * deliver/release.ts) as they fall due: a batch per transaction, a rest after each whole one, and
 * a look every RELEASE_POLL_MS once less than a batch is due, so a parked attempt is made within
 * about a second of its time unless a backlog is being worked through, and at once when its
 * lagging endpoint's cap gets room here.
 */
export class ParkedRelease {
  readonly #ctx: DeliveryContext;
  readonly #moves: SlowdownMoves;
  readonly #perWebhook: number;
  #stopping = false;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #stop: (() => void) | null = null;
  /** Woken since the last look began: the next follows without waiting for the poll. */
  #woken = false;
  /** Why the last release failed; null while it works. */
  #error: string | null = null;

  constructor(ctx: DeliveryContext, moves: SlowdownMoves, perWebhook: number) {
    this.#ctx = ctx;
    this.#moves = moves;
    this.#perWebhook = perWebhook;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  health(): { ok: true } | { ok: false; reason: string } {
    if (this.#error !== null) return { ok: false, reason: 'releasing parked attempts fails' };
    return { ok: true };
  }

  /**
   * A lagging or slowed-down endpoint's job has left its slot here: look again without waiting for
   * the poll (RELEASE_WAKE_GAP_MS after the last look at the earliest), as its cap may have room.
   */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  /** Resolves once the release under way, if any, has committed or rolled back. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#stop?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      let full = false;
      const started = performance.now();
      this.#woken = false;
      try {
        const done = await onSlowedPool(() => releaseDueAttempts(this.#ctx, RELEASE_BATCH, { perWebhook: this.#perWebhook }));
        full = done.released >= RELEASE_BATCH || done.made >= RELEASE_BATCH;
        this.#moves.add(done.changes);
        if (this.#error !== null) logger.info('releasing parked attempts works again');
        this.#error = null;
      } catch (err) {
        if (this.#error === null) logger.error({ error: describeError(err) }, 'releasing parked attempts failed; trying again');
        this.#error = describeError(err);
      }
      if (full) {
        // A backlog: rest RELEASE_REST_RATIO times as long as the batch took, whatever wakes it.
        await this.#sleep((performance.now() - started) * RELEASE_REST_RATIO);
      } else {
        if (!this.#woken) await this.#sleep(RELEASE_POLL_MS, { wakeable: true });
        await this.#sleep(started + RELEASE_WAKE_GAP_MS - performance.now());
      }
    }
  }

  /** Waits `ms`; `wakeable`: or until `wake`. `stop` always ends it. */
  #sleep(ms: number, { wakeable = false } = {}): Promise<void> {
    if (this.#stopping || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = null;
        this.#stop = null;
        resolve();
      }, ms);
      const end = () => {
        clearTimeout(timer);
        this.#wake = null;
        this.#stop = null;
        resolve();
      };
      this.#stop = end;
      this.#wake = wakeable ? end : null;
    });
  }
}
