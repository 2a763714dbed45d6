// dateStyle/timeStyle cannot be combined with timeZoneName, so the fields are spelled out.
const localFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

const short: Partial<Record<Intl.RelativeTimeFormatUnit, string>> = { minute: 'min', hour: 'h', day: 'd', week: 'wk', month: 'mo', year: 'y' };

/** "just now", "3 min ago", "in 2 h", "5 d ago": how far `value` is from `now`, in the largest whole unit. */
export function relativeTime(value: Date, now: Date): string {
  const seconds = Math.round((value.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return seconds > 0 ? 'in a few seconds' : 'just now';
  const [unit, size] = units.find(([, s]) => abs >= s) ?? ['minute', 60];
  const count = Math.max(1, Math.round(abs / size));
  const text = `${count} ${short[unit]}`;
  return seconds > 0 ? `in ${text}` : `${text} ago`;
}

/** The viewer's own clock, with its zone: shown beside the UTC time on hover or focus. */
export function formatLocalDateTime(value: Date): string {
  return localFormat.format(value);
}
