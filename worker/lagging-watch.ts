import { onSlowedPool } from '@/db/client';
import { componentLog, describeError } from '@/lib/observability/log';
import { LAG_AFTER_MS } from '@/lib/webhooks/core/slowdown';
import { markLagging } from '@/lib/webhooks/deliver/lagging';

const logger = componentLog('worker');

/** How often the watch looks for requests in flight longer than LAG_AFTER_MS. */
const CHECK_EVERY_MS = LAG_AFTER_MS / 4;

/**
 * The worker's requests in flight, by webhook: an endpoint with a request out for longer than
 * LAG_AFTER_MS is marked lagging (deliver/lagging.ts) while the request is still waiting, once per
 * run of requests. Every pump of a worker shares one.
 */
export class LaggingWatch {
  /** Start times (by the watch's clock) of the requests in flight, by webhook. */
  readonly #inFlight = new Map<string, Set<{ at: number }>>();
  /** Webhooks marked since their requests in flight last fell to none. */
  readonly #marked = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #marking: Promise<void> | null = null;
  readonly #now: () => number;

  /** `now`: the clock requests are timed by, in milliseconds (tests set it). */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** A request to `webhookId` has started; call the returned function when it ends. */
  track(webhookId: string): () => void {
    const entry = { at: this.#now() };
    let requests = this.#inFlight.get(webhookId);
    if (!requests) this.#inFlight.set(webhookId, (requests = new Set()));
    requests.add(entry);
    this.#timer ??= setInterval(() => this.#check(), CHECK_EVERY_MS).unref();
    return () => {
      requests.delete(entry);
      if (requests.size > 0) return;
      this.#inFlight.delete(webhookId);
      this.#marked.delete(webhookId);
      if (this.#inFlight.size === 0 && this.#timer) {
        clearInterval(this.#timer);
        this.#timer = null;
      }
    };
  }

  /** Webhooks with a request in flight for longer than LAG_AFTER_MS, not yet marked. */
  lagging(): string[] {
    const now = this.#now();
    const found: string[] = [];
    for (const [webhookId, requests] of this.#inFlight) {
      if (this.#marked.has(webhookId)) continue;
      for (const r of requests) {
        if (now - r.at > LAG_AFTER_MS) {
          found.push(webhookId);
          break;
        }
      }
    }
    return found;
  }

  /** Resolves once no mark is being written. */
  async settled(): Promise<void> {
    await this.#marking;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #check(): void {
    if (this.#marking) return;
    const found = this.lagging();
    if (found.length === 0) return;
    for (const id of found) this.#marked.add(id);
    this.#marking = onSlowedPool(() => markLagging(found))
      .catch((err: unknown) => {
        for (const id of found) this.#marked.delete(id);
        logger.warn({ error: describeError(err) }, 'marking lagging endpoints failed; trying again');
      })
      .finally(() => (this.#marking = null));
  }
}
