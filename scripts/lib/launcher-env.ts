/**
 * Imported first by the launcher, before anything creates the logger: reads .env, then picks the
 * log format. People running the embedded demo get readable lines; with DATABASE_URL set (a real
 * deployment) the default is one JSON object a line. LOG_FORMAT set by hand always wins.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
if (existsSync(path.join(root, '.env'))) process.loadEnvFile(path.join(root, '.env'));
process.env.LOG_FORMAT ||= process.env.DATABASE_URL ? 'json' : 'pretty';
