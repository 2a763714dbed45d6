import type { Job, PgBoss } from 'pg-boss';
import { componentLog, describeError, newErrorId } from '@/lib/observability/log';
import { countAttempts, countFetch } from '@/lib/observability/metrics';
import { makeAttempts, type DeliveryContext } from '@/lib/webhooks/deliver/attempt';
import { AutomaticAttemptsInFlight, planAttempts, type AttemptPlan } from '@/lib/webhooks/deliver/fence';
import { loadDeliveries } from '@/lib/webhooks/deliver/load';
import { recordAttemptsIn, recordingTransaction, type AttemptRecord } from '@/lib/webhooks/deliver/record';
import { heldBack, NO_CHANGES, type Holds, type SlowdownChanges } from '@/lib/webhooks/deliver/slowdown';
import { DELIVERIES_PER_JOB } from '@/lib/webhooks/core/delivery-job';
import { inTransaction, QUEUES, type JobBand, type QueueName } from '@/lib/webhooks/queue/boss';
import { SLOWED_TIER, SLOWED_TIER_LIMIT, type DeliveryRequest } from '@/lib/webhooks/queue/enqueue';
import { logAttempts, requestsOf } from './job-data';
import type { LaggingWatch } from './lagging-watch';
import { makeLanes, type Finished, type Lane } from './lanes';
import { SlowStarts } from './slow-start';
import type { SlowdownMoves } from './slowdown-moves';

const logger = componentLog('worker');

/** The database's own message, not drizzle's wrapper: that one repeats the query parameters (request bodies) into the log. */
const describeFailure = describeError;

export type PumpOptions = {
  queue: QueueName;
  /** Jobs taken by one fetch. */
  fetchSize: number;
  /** Requests (a job's deliveries) in flight in this process at once. */
  maxRequests: number;
  /**
   * Fetch and record the jobs of slowed-down and lagging endpoints (SLOWED_PRIORITY) in a lane of
   * their own, with its own budget, so their backlog never takes the budget, the fetch or the
   * recorders that answering endpoints' jobs need.
   */
  slowedLane?: boolean;
  /** Jobs of one webhook (a job's group) in flight at once, across every worker. */
  perWebhook: number;
  /** Where the waiting jobs of slow-downs this pump records go, shared by the worker's pumps. */
  moves: SlowdownMoves;
  /** Marks endpoints lagging while their requests are still out, shared by the worker's pumps. */
  lagging: LaggingWatch;
  /** How long an idle pump waits for a NOTIFY before it looks again (retries fall due without one). */
  pollMs: number;
  /** A job of the slowed lane left its webhook's slot: the parked release may queue that webhook's next. */
  onSlowedJobLeft?: () => void;
  ctx: DeliveryContext;
};

/** A job fetched and planned: what it sends, and its automatic attempts (fence.ts). */
type Planned = { job: Job<unknown>; plan: AttemptPlan; automatic: string[] };

/** A probe's claim outlives its request's time limit by this much, for recording it. */
const PROBE_LEASE_MARGIN_MS = 5_000;

/** Transactions recording finished jobs at once; a few overlap the database's work with the network's. */
const RECORDERS = 2;

/**
 * Moves one queue's delivery jobs through three stages that never wait for each other's batches:
 * a fetch loop takes jobs while the request budget has room (one query loads all their
 * deliveries), each job's POSTs run as soon as they are loaded, and each finished job joins the
 * next recording transaction, which stores its attempts and completes it in pg-boss together.
 *
 * The budget counts requests, not jobs: a request waiting on an endpoint that hangs costs a socket,
 * so a worker keeps thousands in flight, and an endpoint's share is capped by pg-boss's group
 * concurrency (its jobs in flight, across workers), and at one job until it first answers
 * (slow-start.ts). An endpoint that is slowed down (slowdown.ts) gets one request at a time; its
 * other attempts are recorded at once as not sent. A job leaves its webhook's slot the moment it
 * is recorded, whatever its neighbours in the fetch are doing.
 */
export class DeliveryPump {
  readonly #boss: PgBoss;
  readonly #options: PumpOptions;
  readonly #lanes: Lane[];
  #inFlight = 0;
  readonly #weights = new WeakMap<Job<unknown>, number>();
  /** Automatic attempts under way here, so a re-run job fetched meanwhile does not send them again (fence.ts). */
  readonly #automatic = new AutomaticAttemptsInFlight();
  /** Jobs sending to endpoints that have not answered yet: one job at a time each (slow-start.ts). */
  readonly #slowStarts = new SlowStarts();
  #recorders = 0;
  /** Recorders on the slowed lane's work: at most one, so another is always free for answering jobs. */
  #slowedRecorders = 0;
  #stopping = false;
  #drained: (() => void) | null = null;
  #loop: Promise<void> | null = null;
  /** Why the last fetch failed; null while fetching works. */
  #fetchError: string | null = null;

  constructor(boss: PgBoss, options: PumpOptions) {
    this.#boss = boss;
    this.#options = options;
    this.#lanes = makeLanes(options);
  }

  get queue(): QueueName {
    return this.#options.queue;
  }

  start(): void {
    this.#loop ??= Promise.all(this.#lanes.map((lane) => this.#fetchLoop(lane))).then(() => undefined);
  }

  /** For the worker's health check: fetching works and the pump is not stopping. */
  health(): { ok: true } | { ok: false; reason: string } {
    if (this.#stopping) return { ok: false, reason: 'stopping' };
    if (this.#loop === null) return { ok: false, reason: 'not started' };
    if (this.#fetchError !== null) return { ok: false, reason: 'fetching jobs fails' };
    return { ok: true };
  }

  /** Jobs taken and not yet recorded or handed back. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * New jobs may be waiting (a NOTIFY, or a job of ours left its webhook's slot): fetch now, in the
   * lane that takes jobs of `band`, or in every lane.
   */
  wake(band?: JobBand): void {
    for (const lane of this.#lanes) {
      if (band && lane.name !== 'all' && lane.name !== band) continue;
      lane.woken = true;
      const wake = lane.wake;
      lane.wake = null;
      wake?.();
    }
  }

  /** Stops fetching and resolves once every job in flight is recorded (or handed back to pg-boss). */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.wake();
    await this.#loop;
    if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
    await this.#options.moves.settled();
  }

  #sleep(lane: Lane, ms: number): Promise<void> {
    if (lane.woken) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        lane.wake = null;
        resolve();
      }, ms);
      lane.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async #fetchLoop(lane: Lane): Promise<void> {
    const { queue, perWebhook, pollMs } = this.#options;
    while (!this.#stopping) {
      // A job may carry DELIVERIES_PER_JOB requests; fetch only what the budget can take whole.
      const room = Math.floor((lane.maxRequests - lane.requests) / DELIVERIES_PER_JOB);
      if (room <= 0) {
        await this.#sleep(lane, pollMs);
        lane.woken = false;
        continue;
      }
      lane.woken = false;
      const wanted = Math.min(room, lane.fetchSize);
      let jobs: Job<unknown>[];
      try {
        jobs = await this.#boss.fetch(queue, {
          batchSize: wanted,
          ...lane.priorities,
          ...this.#leftOut(lane),
          groupConcurrency: { default: perWebhook, tiers: { [SLOWED_TIER]: SLOWED_TIER_LIMIT } },
        });
      } catch (err) {
        if (this.#fetchError === null) logger.error({ queue, error: describeFailure(err) }, 'fetching jobs failed; trying again');
        this.#fetchError = describeFailure(err);
        await this.#sleep(lane, pollMs);
        continue;
      }
      countFetch(queue, lane.name, jobs.length);
      if (this.#fetchError !== null) logger.info({ queue }, 'fetching jobs works again');
      this.#fetchError = null;
      if (jobs.length > 0) void lane.onItsPool(() => this.#run(lane, jobs));
      // A short fetch means the queue is empty or its webhooks are at their limit: wait for a
      // NOTIFY or for one of our jobs to leave its slot rather than asking again at once.
      if (jobs.length < wanted) await this.#sleep(lane, pollMs);
    }
  }

  /**
   * The answering lane leaves out the webhooks whose waiting jobs are being parked, and those in
   * their slow start with a job running here.
   */
  #leftOut(lane: Lane): { ignoreGroups?: string[] } {
    if (lane.name !== 'answering') return {};
    const ignored = [...this.#options.moves.parking, ...this.#slowStarts.running];
    return ignored.length > 0 ? { ignoreGroups: ignored } : {};
  }

  async #run(lane: Lane, jobs: Job<unknown>[]): Promise<void> {
    this.#inFlight += jobs.length;
    const requests = jobs.map(requestsOf);
    jobs.forEach((job, i) => this.#weights.set(job, requests[i]!.length));
    lane.requests += requests.reduce((n, r) => n + r.length, 0);
    let loaded;
    try {
      loaded = await loadDeliveries(requests.flat().map((r) => r.deliveryId));
    } catch (err) {
      await this.#giveBack(lane, jobs, err);
      return;
    }
    const plans: Planned[] = [];
    jobs.forEach((job, i) => {
      let plan;
      try {
        plan = planAttempts(requests[i]!, loaded, this.#automatic);
      } catch (err) {
        void this.#giveBack(lane, [job], err);
        return;
      }
      const automatic = plan.send.filter((s) => s.job.trigger === 'automatic').map((s) => s.delivery.id);
      // The job was fetched again while its first run is still recording (it expired meanwhile): it
      // goes back to the queue rather than completing empty, so it cannot end before that run's
      // attempts are stored.
      if (plan.busy.length > 0) {
        this.#automatic.release(automatic);
        void this.#giveBack(lane, [job], new Error('its deliveries are still being recorded by an earlier run'));
        return;
      }
      plans.push({ job, plan, automatic });
    });
    let holds: Holds;
    try {
      holds = await heldBack(
        plans.flatMap((p) => p.plan.send),
        this.#options.ctx.timeoutMs + PROBE_LEASE_MARGIN_MS,
      );
    } catch (err) {
      for (const p of plans) this.#automatic.release(p.automatic);
      await this.#giveBack(
        lane,
        plans.map((p) => p.job),
        err,
      );
      return;
    }
    for (const planned of plans) this.#send(lane, planned, holds);
  }

  /**
   * Makes one job's attempts. Those held back are recorded early; the requests that go out are
   * tracked by the lagging watch and, for endpoints that never answered, the slow start. The job
   * joins the next recording once all have ended.
   */
  #send(lane: Lane, { job, plan, automatic }: Planned, holds: Holds): void {
    const early = (held: AttemptRecord[]) =>
      this.#finish({
        job,
        lane,
        recordIn: lane,
        records: held,
        skipped: [],
        automatic: held.flatMap((r) => (r.automaticAttempt === null ? [] : [r.deliveryId])),
        early: automatic,
      });
    const sent = plan.send.filter((s) => !holds.held.has(s.delivery.id));
    // Every job of the bulk queue: automatic attempts and mass re-sends (tests and Retry are always sent).
    if (this.#options.queue === QUEUES.deliveries) this.#slowStarts.begin(job, [...new Set(sent.filter((s) => !s.delivery.answered).map((s) => s.delivery.webhookId))]);
    const untrack = [...new Set(sent.map((s) => s.delivery.webhookId))].map((webhookId) => this.#options.lagging.track(webhookId));
    const ended = () => untrack.forEach((done) => done());
    makeAttempts(plan, this.#options.ctx, holds, early).then(
      (records) => {
        ended();
        countAttempts(records.map((r) => ({ success: r.success, trigger: r.trigger, durationMs: r.durationMs ?? 0 })));
        logAttempts(job, records);
        this.#finish({ job, lane, recordIn: this.#recordingLane(lane, records), records, skipped: plan.skipped, automatic });
      },
      (err: unknown) => {
        ended();
        this.#automatic.release(automatic);
        void this.#giveBack(lane, [job], err);
      },
    );
  }

  /**
   * A job whose attempts timed out is recorded by the slowed lane: its endpoint is about to slow
   * down, and its record locks that webhook's row as the parked release's records of it do. In
   * the same transaction as answering endpoints' jobs, it would hold their slots until the
   * release's transaction ends.
   */
  #recordingLane(lane: Lane, records: readonly AttemptRecord[]): Lane {
    if (lane.name !== 'answering' || !records.some((r) => r.request.timedOut)) return lane;
    return this.#lanes.find((l) => l.name === 'slowed') ?? lane;
  }

  #finish(done: Finished): void {
    done.recordIn.finished.push(done);
    if (this.#recorders < RECORDERS) void this.#record();
  }

  /**
   * The lane whose finished jobs to record next: answering endpoints' first; the slowed lane's
   * only when no other recorder is on it, so one is always free for answering jobs.
   */
  #nextLane(): Lane | undefined {
    return this.#lanes.find((lane) => lane.finished.length > 0 && (lane.name !== 'slowed' || this.#slowedRecorders === 0));
  }

  /** Records what has finished, a bounded batch per transaction, while more keeps finishing. */
  async #record(): Promise<void> {
    this.#recorders++;
    try {
      for (let lane = this.#nextLane(); lane; lane = this.#nextLane()) {
        const slowed = lane.name === 'slowed';
        if (slowed) this.#slowedRecorders++;
        try {
          // A recorder may start from either lane's callbacks: the batch's lane picks the pool.
          await lane.onItsPool(() => this.#recordBatch(lane));
        } finally {
          if (slowed) this.#slowedRecorders--;
        }
      }
    } finally {
      this.#recorders--;
    }
  }

  async #recordBatch(lane: Lane): Promise<void> {
    const batch = lane.takeBatch();
    // One job's trouble must not send its neighbours again: a batch that fails is recorded
    // job by job before anything goes back to the queue.
    const failed = await this.#store(batch);
    if (failed && batch.length > 1) for (const one of batch) await this.#settle([one], await this.#store([one]));
    else await this.#settle(batch, failed);
  }

  /**
   * One transaction: stores the attempts and completes their jobs, fenced to the run that fetched
   * them. A job that expired meanwhile is left to pg-boss (its re-run finds the attempts recorded and
   * does nothing; an automatic attempt is recorded once, whichever run is first). Returns the
   * failure, if the transaction failed.
   */
  async #store(batch: Finished[]): Promise<{ err: unknown } | null> {
    try {
      // A job's early record and its own may share a batch: each attempt once.
      const records = [...new Map(batch.flatMap((b) => b.records).map((r) => [r.id, r])).values()];
      const ending = batch.filter((b) => !b.early);
      let changes: SlowdownChanges = NO_CHANGES;
      const missed = await recordingTransaction(async (tx) => {
        changes = await recordAttemptsIn(tx, records, { skipped: batch.flatMap((b) => b.skipped) });
        if (ending.length === 0) return 0;
        const completed = await this.#boss.complete(
          this.#options.queue,
          ending.map((b) => ({ id: b.job.id, retryCount: b.job.retryCount })),
          null,
          { db: inTransaction(tx) },
        );
        return ending.length - (completed as { affected: number }).affected;
      });
      this.#options.moves.add(changes);
      if (missed > 0) logger.warn({ queue: this.#options.queue, missed, jobs: ending.length }, 'jobs expired before their attempts were recorded; pg-boss had already handed them on');
      return null;
    } catch (err) {
      return { err };
    }
  }

  async #settle(batch: Finished[], failure: { err: unknown } | null): Promise<void> {
    // An early record is not its job's end: the job is still running, and its own record carries
    // the same attempts again.
    const ending = batch.filter((b) => !b.early);
    if (failure && ending.length < batch.length) {
      logger.warn({ queue: this.#options.queue, error: describeFailure(failure.err) }, 'recording held-back attempts early failed; they are recorded with their job');
    }
    // Recorded early, a held attempt is done: its retry may run while its job's probe is still out.
    for (const b of batch) {
      if (!b.early || failure) continue;
      const owner = b.early;
      const done = b.automatic.filter((id) => owner.includes(id));
      owner.splice(0, owner.length, ...owner.filter((id) => !done.includes(id)));
      this.#automatic.release(done);
    }
    for (const b of ending) this.#automatic.release(b.automatic.splice(0));
    for (const lane of new Set(ending.map((b) => b.lane))) {
      const jobs = ending.filter((b) => b.lane === lane).map((b) => b.job);
      if (failure) await this.#giveBack(lane, jobs, failure.err);
      else this.#left(lane, jobs);
    }
  }

  /**
   * Fails jobs whose attempts could not be loaded or recorded, so pg-boss runs them again after its
   * back-off (their receivers may see those deliveries twice). If even that fails, the jobs expire
   * and run again all the same.
   */
  async #giveBack(lane: Lane, jobs: Job<unknown>[], err: unknown): Promise<void> {
    const errorId = newErrorId();
    logger.error(
      { queue: this.#options.queue, jobIds: jobs.map((j) => j.id), errorId, err },
      `${jobs.length} jobs failed and will be retried: ${describeFailure(err)}`,
    );
    try {
      await this.#boss.fail(
        this.#options.queue,
        jobs.map((j) => ({ id: j.id, retryCount: j.retryCount })),
        { message: `${describeFailure(err)} [${errorId}]` },
      );
    } catch (failErr) {
      logger.error({ queue: this.#options.queue, errorId, error: describeFailure(failErr) }, 'handing the jobs back failed too; they run again when they expire');
    }
    this.#left(lane, jobs);
  }

  #left(lane: Lane, jobs: readonly Job<unknown>[]): void {
    this.#inFlight -= jobs.length;
    for (const job of jobs) {
      lane.requests -= this.#weights.get(job) ?? 0;
      this.#slowStarts.end(job);
    }
    if (this.#inFlight === 0) this.#drained?.();
    // The slot freed is its webhook's, and the jobs waiting for it are nearly always its lane's.
    // Answering endpoints' jobs leave many times a second: the slowed lane, woken by each, would
    // fetch nothing (a job of theirs that does need the slot waits for a NOTIFY or the next poll).
    // A slowed-down endpoint's job wakes both: its slow-down may just have ended.
    this.wake(lane.name === 'answering' ? 'answering' : undefined);
    if (lane.name === 'slowed') this.#options.onSlowedJobLeft?.();
  }
}
