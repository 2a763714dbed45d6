/**
 * Requests in flight to one origin (scheme, host and port) at most, across every webhook that
 * points there: one receiving service must not get thousands of connections from a worker.
 *
 * Kept here rather than as the HTTP agent's `maxSockets`: a request waiting in the agent's queue
 * that times out is dropped only when a socket frees up for it, so a wave of time-outs at a busy
 * origin made the agent open and close a connection for each dead waiter, holding the event loop
 * for tens of milliseconds. Here a waiter that gives up just leaves the queue, and a freed slot is
 * handed on after the timers due now have run, so it goes to a request that still wants it.
 */
export class OriginSlots {
  readonly #limit: number;
  readonly #running = new Map<string, number>();
  /** Waiters per origin, oldest first; a Set, so one that gives up leaves in O(1). */
  readonly #waiting = new Map<string, Set<() => boolean>>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  /**
   * Calls `start` once `origin` has a free slot: at once when it has one. Returns `leave`, to call
   * when the request has ended or the caller stops waiting; calling it again does nothing.
   */
  enter(origin: string, start: () => void): () => void {
    let state: 'waiting' | 'running' | 'left' = 'waiting';
    const grant = () => {
      if (state !== 'waiting') return false;
      state = 'running';
      start();
      return true;
    };
    const running = this.#running.get(origin) ?? 0;
    if (running < this.#limit) {
      this.#running.set(origin, running + 1);
      grant();
    } else {
      let queue = this.#waiting.get(origin);
      if (!queue) this.#waiting.set(origin, (queue = new Set()));
      queue.add(grant);
    }
    return () => {
      const was = state;
      state = 'left';
      if (was === 'waiting') this.#dequeue(origin, grant);
      else if (was === 'running') setImmediate(() => this.#handOn(origin));
    };
  }

  /** Requests running to `origin` now. */
  running(origin: string): number {
    return this.#running.get(origin) ?? 0;
  }

  /** Requests waiting for a slot at `origin` now. */
  waiting(origin: string): number {
    return this.#waiting.get(origin)?.size ?? 0;
  }

  #dequeue(origin: string, waiter: () => boolean): void {
    const queue = this.#waiting.get(origin);
    queue?.delete(waiter);
    if (queue?.size === 0) this.#waiting.delete(origin);
  }

  /** A slot came free: the oldest waiter still waiting takes it, or it is given back. */
  #handOn(origin: string): void {
    const queue = this.#waiting.get(origin);
    for (const next of queue ?? []) {
      this.#dequeue(origin, next);
      if (next()) return;
    }
    const running = (this.#running.get(origin) ?? 1) - 1;
    if (running <= 0) this.#running.delete(origin);
    else this.#running.set(origin, running);
  }
}
