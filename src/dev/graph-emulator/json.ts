/** Small JSON helpers shared by the emulator modules. Payloads stay `unknown` until narrowed. */

export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `2026-11-02T10:00:00Z`: Graph's SharePoint timestamps are UTC, second precision. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** `2026-11-02T10:00:00`: the `innerError.date` format (no zone, no fraction). */
export function innerErrorDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

export function base64UrlEncode(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** Accepts base64url and standard base64, padded or not. Returns undefined on garbage. */
export function base64Decode(text: string): string | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined;
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
}
