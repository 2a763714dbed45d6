/**
 * Runs the embedded PostgreSQL in its own process group, so a terminal's Ctrl-C reaches the
 * launcher only: the launcher stops the web app and the worker first (letting in-flight attempts
 * be recorded) and the database last. When the launcher goes away, even by SIGKILL, the IPC
 * channel closes and the database is stopped too.
 */
import { startEmbeddedPostgres, type EmbeddedOptions } from './embedded-postgres';

const options = JSON.parse(process.argv[2] ?? '{}') as EmbeddedOptions;

startEmbeddedPostgres(options).then(
  (database) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      database.stop().finally(() => process.exit(0));
    };
    process.on('message', (message) => message === 'stop' && stop());
    process.on('disconnect', stop);
    process.on('SIGTERM', stop);
    process.on('SIGINT', () => {}); // only the launcher decides when the database stops
    process.send?.({ url: database.url });
  },
  (err: unknown) => {
    process.send?.({ error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  },
);
