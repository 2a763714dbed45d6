/**
 * Deliveries one delivery job carries at most, all to one webhook. Several per job keep pg-boss's
 * own bookkeeping (three writes to its job table per job) off the per-delivery cost; the worker
 * sends a job's deliveries at once, so this is also what one job adds to an endpoint's requests.
 */
export const DELIVERIES_PER_JOB = 25;
