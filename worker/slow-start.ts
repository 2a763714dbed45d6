/*
 * Slow start: an endpoint that has not answered at its URL yet (a new webhook, or one whose URL
 * changed; `webhooks.answered_at` is null) gets one job at a time from a worker until it gives an
 * HTTP answer, any status. From then on its cap applies (WEBHOOKS_WEBHOOK_CONCURRENCY jobs). A job
 * carries one delivery, or up to 25 from one batch publish or mass re-send.
 *
 * Nothing tells a dead endpoint from a slow one before its first request ends, and an endpoint
 * that never answers holds every request it is sent for the whole time limit. Without a slow
 * start, new endpoints that hang take their full cap each, and all of those requests time out
 * together a time limit later: a burst of sockets to close and failed attempts to record that
 * every answering endpoint's deliveries wait behind. With it they take about one request each.
 *
 * While a job to such an endpoint runs, the worker's answering lane leaves the endpoint's other
 * jobs out of its fetch; they wait in the queue. Once that job is recorded, the endpoint has
 * either answered (its cap applies), or it timed out and is slowed down (deliver/slowdown.ts: one
 * probe at a time, the other attempts held back and retried on schedule). If the request is still
 * out after LAG_AFTER_MS, the endpoint is lagging and its new attempts are parked; the parked
 * release queues them one at a time until the endpoint answers (deliver/release.ts).
 *
 * It is a limit per worker and per fetch, not a hard one: with several workers, such an endpoint may
 * get a job from each (and while it lags, one from each worker's release); jobs of it taken by one
 * fetch all go, as does one fetched while the first job's deliveries are still being loaded (a
 * round trip). The wave it prevents comes from endpoints that receive events one at a time, a
 * fetch apart, which is how a hanging endpoint fills its cap.
 */

/** The jobs of one pump that are sending to endpoints in their slow start. */
export class SlowStarts {
  /**
   * Webhooks in their slow start, by job run: keyed by the fetched job itself, since a job that
   * expired can be fetched again while its first run is still here.
   */
  readonly #byJob = new Map<object, readonly string[]>();
  /** Jobs running, by webhook in its slow start. */
  readonly #jobs = new Map<string, number>();

  /** `job` is sending to `webhookIds`, endpoints that have not answered yet. */
  begin(job: object, webhookIds: readonly string[]): void {
    if (webhookIds.length === 0) return;
    this.#byJob.set(job, webhookIds);
    for (const id of webhookIds) this.#jobs.set(id, (this.#jobs.get(id) ?? 0) + 1);
  }

  /** `job` has been recorded or handed back; nothing happens for any other job. */
  end(job: object): void {
    const webhookIds = this.#byJob.get(job);
    if (!webhookIds) return;
    this.#byJob.delete(job);
    for (const id of webhookIds) {
      const left = (this.#jobs.get(id) ?? 1) - 1;
      if (left > 0) this.#jobs.set(id, left);
      else this.#jobs.delete(id);
    }
  }

  /** Webhooks in their slow start with a job running: their other jobs wait. */
  get running(): ReadonlySet<string> {
    return new Set(this.#jobs.keys());
  }
}
