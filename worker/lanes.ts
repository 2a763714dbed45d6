import type { Job } from 'pg-boss';
import { onSharedPool, onSlowedPool } from '@/db/client';
import type { AttemptRecord } from '@/lib/webhooks/deliver/record';
import { DELIVERIES_PER_JOB } from '@/lib/webhooks/core/delivery-job';
import { SLOWED_PRIORITY } from '@/lib/webhooks/queue/enqueue';

/*
 * The delivery pump's lanes (pump.ts): what each fetches, its share of the request budget, and how
 * much of its finished work one recording transaction takes.
 */

/**
 * What one recording transaction takes at most: a bounded statement whatever the backlog, and a
 * failure that sends only so many jobs round again. The slowed lane's jobs are mostly attempts
 * held back (no response bodies): larger batches record them for far fewer round trips and commits.
 */
const RECORD_MAX_JOBS = 32;
const RECORD_MAX_JOBS_SLOWED = 256;
const RECORD_MAX_ATTEMPTS = 1_000;
const RECORD_MAX_BYTES = 8 * 1024 * 1024;

/**
 * The slowed lane's share of the request budget: its requests are mostly held back, never sent, or
 * wait on lagging endpoints (a socket each).
 */
const SLOWED_LANE_SHARE = 2;

const sizeOf = (f: Finished) => f.records.reduce((n, r) => n + (r.responseBody?.length ?? 0) + 1024, 0);

/**
 * A stream of jobs with its own fetch loop and request budget. The answering lane fetches jobs of
 * priority 0 and up, the slowed lane those of slowed-down endpoints (their attempts mostly held
 * back: cheap to make, but as costly as any to record) and of lagging ones (sent, at their cap).
 */
export class Lane {
  readonly name: 'answering' | 'slowed' | 'all';
  readonly priorities: { minPriority?: number; maxPriority?: number };
  readonly maxRequests: number;
  readonly fetchSize: number;
  /** Jobs recorded in one transaction at most. */
  readonly recordJobs: number;
  /** Requests (deliveries) of this lane's jobs in flight. */
  requests = 0;
  finished: Finished[] = [];
  woken = false;
  wake: (() => void) | null = null;

  constructor(init: Pick<Lane, 'name' | 'priorities' | 'maxRequests' | 'fetchSize' | 'recordJobs'>) {
    this.name = init.name;
    this.priorities = init.priorities;
    this.maxRequests = init.maxRequests;
    this.fetchSize = init.fetchSize;
    this.recordJobs = init.recordJobs;
  }

  /**
   * Runs `work` on this lane's database pool: the slowed lane's own (db/client.ts), or the shared
   * one, whichever lane's callbacks it was started from.
   */
  onItsPool<T>(work: () => Promise<T>): Promise<T> {
    return this.name === 'slowed' ? onSlowedPool(work) : onSharedPool(work);
  }

  /** The finished jobs the next recording transaction takes: the oldest, within its bounds. */
  takeBatch(): Finished[] {
    let bytes = 0;
    let attempts = 0;
    let take = 0;
    while (take < this.finished.length && take < this.recordJobs) {
      const next = this.finished[take]!;
      if (take > 0 && (bytes + sizeOf(next) > RECORD_MAX_BYTES || attempts + next.records.length > RECORD_MAX_ATTEMPTS)) break;
      bytes += sizeOf(next);
      attempts += next.records.length;
      take++;
    }
    return this.finished.splice(0, take);
  }
}

/**
 * A job whose attempts are all made, waiting to be recorded and completed; or, `early`, the
 * attempts of a job that are held back by a slow-down, recorded while its probe is still on the
 * wire. The job's own record carries them again (the fence records an automatic attempt once), so
 * an early record that fails loses nothing.
 */
export type Finished = {
  job: Job<unknown>;
  /** The lane that fetched the job, whose budget it takes. */
  lane: Lane;
  /** The lane whose recorders store it (see `#recordingLane`). */
  recordIn: Lane;
  records: AttemptRecord[];
  skipped: string[];
  /** Automatic attempts (delivery ids) claimed against re-runs, released once recorded (fence.ts). */
  automatic: string[];
  /** For an early record, its job's own `automatic`: what it records there is released at once. */
  early?: string[];
};

/**
 * The lanes of a pump: answering endpoints' and, with `slowedLane`, slowed-down and lagging
 * endpoints' apart (larger recording batches, a share of the budget of their own); or one lane for all.
 */
export function makeLanes({ maxRequests, fetchSize, slowedLane }: { maxRequests: number; fetchSize: number; slowedLane?: boolean }): Lane[] {
  if (!slowedLane) return [new Lane({ name: 'all', priorities: {}, maxRequests, fetchSize, recordJobs: RECORD_MAX_JOBS })];
  return [
    new Lane({ name: 'answering', priorities: { minPriority: 0 }, maxRequests, fetchSize, recordJobs: RECORD_MAX_JOBS }),
    new Lane({
      name: 'slowed',
      priorities: { maxPriority: SLOWED_PRIORITY },
      maxRequests: Math.max(DELIVERIES_PER_JOB * 2, Math.floor(maxRequests / SLOWED_LANE_SHARE)),
      fetchSize: Math.max(fetchSize, 100),
      recordJobs: RECORD_MAX_JOBS_SLOWED,
    }),
  ];
}
