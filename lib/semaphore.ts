/**
 * At most `limit` calls of the wrapped function run at once; the rest wait their turn in order.
 * Password hashing uses it so a flood of sign-ins cannot hold every thread of Node's pool, which
 * DNS lookups and file reads share.
 */
export function limitConcurrency<A extends unknown[], R>(limit: number, fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (...args) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await fn(...args);
    } finally {
      const next = waiting.shift();
      if (next) next(); // the slot passes straight to the next caller
      else running--;
    }
  };
}
