/**
 * Time-zone support for calendar events (item 28) and date-only columns (item 16).
 * Graph accepts Windows zone names and IANA names; both are mapped to IANA and computed
 * with Intl, so DST follows the host's ICU data.
 */

/** Common Windows zone ids → IANA (CLDR "001" territory mapping). */
const WINDOWS_TO_IANA: Readonly<Record<string, string>> = {
  UTC: 'UTC',
  'Coordinated Universal Time': 'UTC',
  'GMT Standard Time': 'Europe/London',
  'Greenwich Standard Time': 'Atlantic/Reykjavik',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Central European Standard Time': 'Europe/Warsaw',
  'Romance Standard Time': 'Europe/Paris',
  'E. Europe Standard Time': 'Europe/Chisinau',
  'FLE Standard Time': 'Europe/Kiev',
  'GTB Standard Time': 'Europe/Bucharest',
  'Russian Standard Time': 'Europe/Moscow',
  'Turkey Standard Time': 'Europe/Istanbul',
  'Israel Standard Time': 'Asia/Jerusalem',
  'South Africa Standard Time': 'Africa/Johannesburg',
  'Egypt Standard Time': 'Africa/Cairo',
  'Arabian Standard Time': 'Asia/Dubai',
  'India Standard Time': 'Asia/Kolkata',
  'China Standard Time': 'Asia/Shanghai',
  'Singapore Standard Time': 'Asia/Singapore',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'Korea Standard Time': 'Asia/Seoul',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'E. Australia Standard Time': 'Australia/Brisbane',
  'W. Australia Standard Time': 'Australia/Perth',
  'New Zealand Standard Time': 'Pacific/Auckland',
  'Eastern Standard Time': 'America/New_York',
  'Central Standard Time': 'America/Chicago',
  'Mountain Standard Time': 'America/Denver',
  'US Mountain Standard Time': 'America/Phoenix',
  'Pacific Standard Time': 'America/Los_Angeles',
  'Alaskan Standard Time': 'America/Anchorage',
  'Hawaiian Standard Time': 'Pacific/Honolulu',
  'Atlantic Standard Time': 'America/Halifax',
  'Newfoundland Standard Time': 'America/St_Johns',
  'SA Pacific Standard Time': 'America/Bogota',
  'E. South America Standard Time': 'America/Sao_Paulo',
  'Argentina Standard Time': 'America/Buenos_Aires',
  'Morocco Standard Time': 'Africa/Casablanca',
  'W. Central Africa Standard Time': 'Africa/Lagos',
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

function isIanaZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/** The IANA zone for a Graph `timeZone` value, or undefined when Graph would reject it. */
export function resolveTimeZone(name: string): string | undefined {
  const windows = WINDOWS_TO_IANA[name];
  if (windows !== undefined) return windows;
  const caseFolded = Object.keys(WINDOWS_TO_IANA).find((k) => k.toLowerCase() === name.toLowerCase());
  if (caseFolded !== undefined) return WINDOWS_TO_IANA[caseFolded];
  // IANA names need a slash (or Etc/UTC style); a bare word like "London" is not a zone.
  if ((name.includes('/') || name === 'GMT') && isIanaZone(name)) return name;
  return undefined;
}

interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly fraction: number; // milliseconds
}

function wallOf(ms: number, zone: string): WallTime {
  const parts = formatter(zone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? '0');
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
    fraction: ((ms % 1000) + 1000) % 1000,
  };
}

function offsetMs(ms: number, zone: string): number {
  const w = wallOf(ms, zone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.fraction) - ms;
}

const LOCAL_DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/;

/** Parses `2026-12-03T15:30:00(.0000000)` (no offset) as a wall-clock time in `zone`. */
export function wallTimeToUtcMs(local: string, zone: string): number | undefined {
  const m = LOCAL_DATETIME.exec(local);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac] = m;
  const asUtc = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h ?? '0'),
    Number(mi ?? '0'),
    Number(s ?? '0'),
    Math.round(Number(`0.${frac ?? '0'}`) * 1000),
  );
  if (!Number.isFinite(asUtc)) return undefined;
  // Two passes settle the offset on both sides of a DST change.
  let guess = asUtc - offsetMs(asUtc, zone);
  guess = asUtc - offsetMs(guess, zone);
  return guess;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Graph's dateTimeTimeZone text: 7 fractional digits, no offset. */
export function utcMsToWallTime(ms: number, zone: string): string {
  const w = wallOf(ms, zone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}.${pad(w.fraction, 3)}0000`;
}

/** The calendar date (YYYY-MM-DD) that instant `ms` falls on in `zone`. */
export function dateInZone(ms: number, zone: string): string {
  const w = wallOf(ms, zone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** Parses Graph's `Prefer: outlook.timezone="..."` (one of possibly several preferences). */
export function preferredTimeZone(prefer: string | undefined): string | undefined {
  if (prefer === undefined) return undefined;
  const m = /outlook\.timezone\s*=\s*"([^"]*)"/i.exec(prefer) ?? /outlook\.timezone\s*=\s*([^,;\s]+)/i.exec(prefer);
  return m?.[1];
}
