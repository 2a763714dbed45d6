import { onSlowedPool } from '@/db/client';
import { componentLog, describeError } from '@/lib/observability/log';
import type { DeliveryContext } from '@/lib/webhooks/deliver/attempt';
import { releaseDueAttempts } from '@/lib/webhooks/deliver/release';
import type { SlowdownMoves } from './slowdown-moves';

const logger = componentLog('worker');

/** Parked attempts released by one transaction at most: a bounded statement, whatever the backlog. */
const RELEASE_BATCH = 1_000;
/** How often to look for parked attempts that fell due, when the last look found fewer than a batch. */
const RELEASE_POLL_MS = 250;
/**
 * After a whole batch, the release rests as long as the batch took: a backlog (a wave of
 * time-outs parks thousands of waiting jobs at once) is worked through at half a database
 * connection's pace, not at the full pace of the machine, which answering endpoints' deliveries share.
 */
const RELEASE_REST_RATIO = 1;

/**
 * Releases the parked attempts of slowed-down and lagging endpoints (queue/parked.ts,
 * deliver/release.ts) as they fall due: a batch per transaction, a rest after each whole one, and
 * a look every RELEASE_POLL_MS once less than a batch is due, so a parked attempt is made a
 * fraction of a second after its time (or after its lagging endpoint's cap has room) unless a
 * backlog is being worked through.
 */
export class ParkedRelease {
  readonly #ctx: DeliveryContext;
  readonly #moves: SlowdownMoves;
  readonly #perWebhook: number;
  #stopping = false;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
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

  /** Resolves once the release under way, if any, has committed or rolled back. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      let released = 0;
      const started = performance.now();
      try {
        const done = await onSlowedPool(() => releaseDueAttempts(this.#ctx, RELEASE_BATCH, { perWebhook: this.#perWebhook }));
        released = done.released;
        this.#moves.add(done.changes);
        if (this.#error !== null) logger.info('releasing parked attempts works again');
        this.#error = null;
      } catch (err) {
        if (this.#error === null) logger.error({ error: describeError(err) }, 'releasing parked attempts failed; trying again');
        this.#error = describeError(err);
      }
      await this.#sleep(released < RELEASE_BATCH ? RELEASE_POLL_MS : (performance.now() - started) * RELEASE_REST_RATIO);
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = null;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
    });
  }
}
