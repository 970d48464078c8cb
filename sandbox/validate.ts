// Small checks shared by the vendor emulators.

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isNonEmptyString(value: unknown): value is string {
	return typeof value === 'string' && value.trim().length > 0;
}

export function isFiniteNumber(value: unknown): value is number {
	return typeof value === 'number' && Number.isFinite(value);
}

export function isNumericString(value: unknown): value is string {
	return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value);
}

export function isCurrencyCode(value: unknown): boolean {
	return typeof value === 'string' && /^[A-Z]{3}$/.test(value);
}

export function looksLikeEmail(value: unknown): boolean {
	return typeof value === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false; error: string };

export function parseJson(raw: Buffer): ParsedJson {
	const text = raw.toString('utf8');
	if (text.trim() === '') return { ok: false, error: 'empty body' };
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch (error) {
		return { ok: false, error: (error as Error).message };
	}
}

function isCalendarValid(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
	if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
	const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
	return day <= daysInMonth;
}

function isOffsetValid(zone: string): boolean {
	if (zone === 'Z') return true;
	const match = /^[+-](\d{2}):?(\d{2})$/.exec(zone);
	return match !== null && Number(match[1]) <= 18 && Number(match[2]) <= 59;
}

/** Optimizely's documented form: `2016-05-16T14:25:00 GMT`. */
export function isGmtDateTime(value: unknown): boolean {
	if (typeof value !== 'string') return false;
	const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2}) GMT$/.exec(value);
	if (!match) return false;
	const [, y, mo, d, h, mi, s] = match.map(Number);
	return isCalendarValid(y, mo, d, h, mi, s);
}

/** ISO 8601 date-time `yyyy-MM-ddTHH:mm[:ss[.fff]]` with a zone (Z or ±hh:mm) when `zone` is 'required'. */
export function isIsoDateTime(value: unknown, zone: 'required' | 'optional'): boolean {
	if (typeof value !== 'string') return false;
	const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
	if (!match) return false;
	const offset = match[7];
	if (offset === undefined && zone === 'required') return false;
	if (offset !== undefined && !isOffsetValid(offset)) return false;
	return isCalendarValid(Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6] ?? '0'));
}
