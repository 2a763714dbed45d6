import { onSlowedPool } from '@/db/client';
import { componentLog, describeError } from '@/lib/observability/log';
import { moveWaitingJobs, type SlowdownChanges } from '@/lib/webhooks/deliver/slowdown';

const logger = componentLog('worker');

/**
 * The worker's moves of waiting jobs for slow-downs that started or ended (`moveWaitingJobs`),
 * after the recording transaction that changed them, one move at a time. Changes that arrive while
 * a move runs are gathered into the next one (the latest change of a webhook wins): a wave of
 * time-outs starts many slow-downs a batch at a time, and each move reads the whole queue of
 * waiting jobs. Every pump and the parked release of a worker share one.
 */
export class SlowdownMoves {
  #running: Promise<void> | null = null;
  /** Slow-down changes not yet moved, by webhook. */
  readonly #pending = new Map<string, 'started' | 'ended'>();
  /** Webhooks that slowed down and whose waiting jobs are not parked yet. */
  readonly #parking = new Set<string>();

  /** After the transaction that made `changes` has committed. */
  add(changes: SlowdownChanges): void {
    for (const id of changes.started) {
      this.#pending.set(id, 'started');
      this.#parking.add(id);
    }
    for (const id of changes.ended) {
      this.#pending.set(id, 'ended');
      this.#parking.delete(id);
    }
    if (this.#pending.size > 0) this.#running ??= this.#run();
  }

  /**
   * Webhooks whose slow-down started and whose waiting jobs have not moved yet: the answering
   * lane leaves them out of its fetch, which would otherwise take their jobs only to hold them back.
   */
  get parking(): ReadonlySet<string> {
    return this.#parking;
  }

  /** Resolves once no move is running or waiting. */
  async settled(): Promise<void> {
    await this.#running;
  }

  async #run(): Promise<void> {
    while (this.#pending.size > 0) {
      const batch = [...this.#pending];
      this.#pending.clear();
      const started = batch.flatMap(([id, change]) => (change === 'started' ? [id] : []));
      const ended = batch.flatMap(([id, change]) => (change === 'ended' ? [id] : []));
      await onSlowedPool(() => moveWaitingJobs({ started, ended })).catch((err: unknown) =>
        logger.warn({ error: describeError(err) }, 'moving waiting jobs for a slow-down failed; they keep their place in the fetch'),
      );
      for (const id of started) if (!this.#pending.has(id)) this.#parking.delete(id);
    }
    this.#running = null;
  }
}
