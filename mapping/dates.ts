import { DateTime, Info, type Zone } from 'luxon';
import { describe } from './errors';

/**
 * Date reading. A hand-written fast path handles ISO 8601 text (with or without offset, " GMT"/" UTC"
 * suffix as in Optimizely's examples) and epoch numbers; luxon handles zones, explicit formats
 * (ERP exports such as "22.11.2026 14:05") and the rarer ISO/RFC 2822/HTTP forms.
 */

/** A moment plus the UTC offset (minutes) it was given in, which the normalized text keeps. */
export interface Moment {
	epochMs: number;
	offsetMinutes: number;
}

export type DateResult = { ok: true; moment: Moment } | { ok: false; reason: string };

/** A resolved time zone: `null` is UTC (the fast path). */
export type ZoneRef = Zone | null;

const zoneCache = new Map<string, Zone | undefined>();

/** Resolves an IANA zone name (or "UTC", "UTC+2"); undefined when luxon does not know it. */
export function resolveZone(name: string): ZoneRef | undefined {
	const upper = name.toUpperCase();
	if (upper === 'UTC' || upper === 'Z' || upper === 'GMT' || upper === 'ETC/UTC') return null;
	if (zoneCache.has(name)) return zoneCache.get(name);
	let zone: Zone | undefined;
	if (name.length <= 64) {
		const normalized = Info.normalizeZone(name);
		zone = normalized && normalized.isValid ? normalized : undefined;
	}
	if (zoneCache.size < 1000) zoneCache.set(name, zone);
	return zone;
}

const MIN_YEAR = 1900;
const MAX_YEAR = 9999;
const MIN_EPOCH_MS = Date.UTC(MIN_YEAR, 0, 1) - 14 * 3600_000;
const MAX_EPOCH_MS = Date.UTC(MAX_YEAR, 11, 31, 23, 59, 59, 999) + 14 * 3600_000;

/** Epoch values below this are seconds, above milliseconds (1e11 s is the year 5138, 1e11 ms is 1973). */
const EPOCH_SECONDS_LIMIT = 1e11;

const ISO_FAST =
	/^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*(Z|z|[+-]\d{2}(?::?\d{2})?|(?:GMT|UTC)(?:[+-]\d{2}(?::?\d{2})?)?))?)?$/;
const DIGITS = /^[+-]?\d+(?:\.\d+)?$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?$/;
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function daysInMonth(year: number, month: number): number {
	if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
	return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function offsetMinutesAt(zone: ZoneRef, epochMs: number): number {
	return zone === null ? 0 : zone.offset(epochMs);
}

function checkRange(epochMs: number, offsetMinutes: number, original: unknown): DateResult {
	if (!(epochMs >= MIN_EPOCH_MS && epochMs <= MAX_EPOCH_MS)) {
		return { ok: false, reason: `is out of range (years ${MIN_YEAR}–${MAX_YEAR}), got ${describe(original)}` };
	}
	return { ok: true, moment: { epochMs, offsetMinutes } };
}

/** Wall-clock fields → moment, in the given offset or (none given) in the zone. */
function fromFields(
	year: number,
	month: number,
	day: number,
	hour: number,
	minute: number,
	second: number,
	millisecond: number,
	offsetMinutes: number | undefined,
	zone: ZoneRef,
	original: unknown,
): DateResult {
	if (month < 1 || month > 12) return { ok: false, reason: `is not a real date (month ${month}), got ${describe(original)}` };
	if (day < 1 || day > daysInMonth(year, month)) {
		return { ok: false, reason: `is not a real date (${MONTH_NAMES[month - 1]} ${year} has no day ${day}), got ${describe(original)}` };
	}
	if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: `is not a real time of day, got ${describe(original)}` };
	if (year < MIN_YEAR || year > MAX_YEAR) {
		return { ok: false, reason: `is out of range (years ${MIN_YEAR}–${MAX_YEAR}), got ${describe(original)}` };
	}
	const wall = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
	if (offsetMinutes !== undefined) return checkRange(wall - offsetMinutes * 60_000, offsetMinutes, original);
	if (zone === null) return checkRange(wall, 0, original);
	// Zone rules (DST) are luxon's job; a wall time inside a DST gap moves forward, as luxon does.
	const local = DateTime.fromObject({ year, month, day, hour, minute, second, millisecond }, { zone });
	if (!local.isValid) return { ok: false, reason: `is not a real date or time, got ${describe(original)}` };
	return checkRange(local.toMillis(), local.offset, original);
}

function parseOffset(text: string): number | undefined {
	// "Z", "+09:00", "+0900", "+09", "GMT", "UTC", "GMT+2", "UTC-05:30"
	let rest = text;
	if (rest === 'Z' || rest === 'z' || rest === 'GMT' || rest === 'UTC') return 0;
	if (rest.startsWith('GMT') || rest.startsWith('UTC')) rest = rest.slice(3);
	const sign = rest.charCodeAt(0) === 45 ? -1 : 1;
	const digits = rest.slice(1).replace(':', '');
	const hours = Number(digits.slice(0, 2));
	const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
	if (hours > 18 || minutes > 59) return undefined;
	return sign * (hours * 60 + minutes);
}

/** Digit value at `index`, or -1. */
function digitAt(text: string, index: number): number {
	const code = text.charCodeAt(index) - 48;
	return code >= 0 && code <= 9 ? code : -1;
}

const CANONICAL_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22, 24, 25, 27, 28];

/**
 * The canonical "yyyy-MM-ddTHH:mm:ss.SSS±HH:MM" read by character codes (no regex): every writer re-reads
 * the dateTime of the order it is given, so this path is the hot one. Undefined when the shape differs.
 */
function readCanonicalText(text: string, zone: ZoneRef, original: unknown): DateResult | undefined {
	if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58) return undefined;
	if (text.charCodeAt(16) !== 58 || text.charCodeAt(19) !== 46 || text.charCodeAt(26) !== 58) return undefined;
	const sign = text.charCodeAt(23);
	if (sign !== 43 && sign !== 45) return undefined;
	for (const index of CANONICAL_DIGITS) if (digitAt(text, index) < 0) return undefined;
	const number = (from: number, count: number) => {
		let result = 0;
		for (let i = from; i < from + count; i++) result = result * 10 + (text.charCodeAt(i) - 48);
		return result;
	};
	const offsetHours = number(24, 2);
	const offsetMinutes = number(27, 2);
	if (offsetHours > 18 || offsetMinutes > 59) return { ok: false, reason: `has an impossible UTC offset, got ${describe(original)}` };
	const offset = (sign === 45 ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
	return fromFields(number(0, 4), number(5, 2), number(8, 2), number(11, 2), number(14, 2), number(17, 2), number(20, 3), offset, zone, original);
}

function fromEpoch(value: number, zone: ZoneRef, original: unknown): DateResult {
	const epochMs = Math.abs(value) < EPOCH_SECONDS_LIMIT ? Math.round(value * 1000) : Math.round(value);
	if (!(epochMs >= MIN_EPOCH_MS && epochMs <= MAX_EPOCH_MS)) {
		return { ok: false, reason: `is out of range (years ${MIN_YEAR}–${MAX_YEAR}), got ${describe(original)}` };
	}
	return { ok: true, moment: { epochMs, offsetMinutes: offsetMinutesAt(zone, epochMs) } };
}

function fromLuxon(dateTime: DateTime, original: unknown): DateResult {
	if (!dateTime.isValid) return { ok: false, reason: `is not a real date or time, got ${describe(original)}` };
	return checkRange(dateTime.toMillis(), dateTime.offset, original);
}

export interface DateReadOptions {
	zone: ZoneRef;
	/** luxon format tokens, e.g. "dd.MM.yyyy HH:mm" */
	dateFormat?: string;
}

/**
 * Reads a date/time: ISO 8601 (offset kept; none → the zone), epoch seconds or milliseconds (numbers or
 * digit text, told apart by size), "yyyyMMdd"/"yyyyMMddHHmmss" digit text, "2016-05-16T14:25:00 GMT",
 * RFC 2822 and HTTP dates, Date and luxon DateTime objects, and text in `dateFormat`.
 */
export function parseDate(value: unknown, options: DateReadOptions): DateResult {
	const { zone } = options;
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) return { ok: false, reason: `expected a date and time, got ${describe(value)}` };
		return fromEpoch(value, zone, value);
	}
	if (typeof value !== 'string') {
		if (value instanceof Date) {
			const epochMs = value.getTime();
			if (Number.isNaN(epochMs)) return { ok: false, reason: 'is an invalid Date' };
			return checkRange(epochMs, offsetMinutesAt(zone, epochMs), value);
		}
		if (DateTime.isDateTime(value)) return fromLuxon(value, value);
		return { ok: false, reason: `expected a date and time, got ${describe(value)}` };
	}
	const text = value.trim();
	if (text.length === 0 || text.length > 100) return { ok: false, reason: `expected a date and time, got ${describe(value)}` };
	if (options.dateFormat !== undefined) {
		const formatted = DateTime.fromFormat(text, options.dateFormat, { zone: zone ?? 'utc', setZone: true });
		if (formatted.isValid) return fromLuxon(formatted, value);
	}
	if (text.length === 29) {
		const canonical = readCanonicalText(text, zone, value);
		if (canonical !== undefined) return canonical;
	}
	const iso = ISO_FAST.exec(text);
	if (iso !== null) {
		const offset = iso[8] === undefined ? undefined : parseOffset(iso[8]);
		if (iso[8] !== undefined && offset === undefined) return { ok: false, reason: `has an impossible UTC offset, got ${describe(value)}` };
		const fraction = iso[7];
		const millisecond = fraction === undefined ? 0 : Number((fraction + '00').slice(0, 3));
		return fromFields(
			Number(iso[1]),
			Number(iso[2]),
			Number(iso[3]),
			iso[4] === undefined ? 0 : Number(iso[4]),
			iso[5] === undefined ? 0 : Number(iso[5]),
			iso[6] === undefined ? 0 : Number(iso[6]),
			millisecond,
			offset,
			zone,
			value,
		);
	}
	if (DIGITS.test(text)) {
		const compact = text.length === 8 || text.length === 14 ? COMPACT_DATE.exec(text) : null;
		if (compact !== null) {
			return fromFields(
				Number(compact[1]),
				Number(compact[2]),
				Number(compact[3]),
				compact[4] === undefined ? 0 : Number(compact[4]),
				compact[5] === undefined ? 0 : Number(compact[5]),
				compact[6] === undefined ? 0 : Number(compact[6]),
				0,
				undefined,
				zone,
				value,
			);
		}
		return fromEpoch(Number(text), zone, value);
	}
	const luxonZone = zone ?? 'utc';
	for (const attempt of [
		() => DateTime.fromISO(text, { zone: luxonZone, setZone: true }),
		() => DateTime.fromRFC2822(text, { zone: luxonZone, setZone: true }),
		() => DateTime.fromHTTP(text, { zone: luxonZone, setZone: true }),
	]) {
		const parsed = attempt();
		if (parsed.isValid) return fromLuxon(parsed, value);
		if (parsed.invalidReason === 'unit out of range') {
			return { ok: false, reason: `is not a real date or time, got ${describe(value)}` };
		}
	}
	const expected =
		options.dateFormat === undefined
			? 'a date and time (ISO 8601 such as 2022-04-25T14:30:00+09:00, or epoch seconds/milliseconds)'
			: `a date and time in the format "${options.dateFormat}" (or ISO 8601, or epoch seconds/milliseconds)`;
	return { ok: false, reason: `expected ${expected}, got ${describe(value)}` };
}

function pad2(value: number): string {
	return value < 10 ? `0${value}` : String(value);
}

function pad3(value: number): string {
	return value < 10 ? `00${value}` : value < 100 ? `0${value}` : String(value);
}

function formatOffset(offsetMinutes: number): string {
	const sign = offsetMinutes < 0 ? '-' : '+';
	const absolute = Math.abs(offsetMinutes);
	return `${sign}${pad2(Math.floor(absolute / 60))}:${pad2(absolute % 60)}`;
}

function dateAndTime(local: Date): string {
	const year = local.getUTCFullYear();
	return `${year < 1000 ? String(year).padStart(4, '0') : year}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}T${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())}`;
}

function localDate(moment: Moment, offsetMinutes: number): Date {
	return new Date(moment.epochMs + offsetMinutes * 60_000);
}

const CANONICAL_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/;

/**
 * The canonical form: "2022-04-25T14:30:00.000+09:00" (always a numeric offset, never "Z").
 * When the text read is already in this form it is kept as is (a re-read order costs no formatting).
 */
export function formatCanonical(moment: Moment, original?: unknown): string {
	if (typeof original === 'string' && original.length === 29 && CANONICAL_TEXT.test(original) && !original.endsWith('-00:00')) return original;
	const local = localDate(moment, moment.offsetMinutes);
	return `${dateAndTime(local)}.${pad3(local.getUTCMilliseconds())}${formatOffset(moment.offsetMinutes)}`;
}

/** ISO 8601 with offset, without milliseconds (Algonomy): "2022-04-25T14:30:00+09:00". */
export function formatIsoSeconds(moment: Moment): string {
	return dateAndTime(localDate(moment, moment.offsetMinutes)) + formatOffset(moment.offsetMinutes);
}

/** Optimizely's form, in UTC: "2016-05-16T14:25:00 GMT". */
export function formatGmt(moment: Moment): string {
	return `${dateAndTime(localDate(moment, 0))} GMT`;
}

/** Local wall time without offset (eSputnik): "2020-05-14T10:11:00". */
export function formatLocal(moment: Moment): string {
	return dateAndTime(localDate(moment, moment.offsetMinutes));
}

/** The moment of a text already in canonical form (as formatCanonical writes it), else undefined. */
export function canonicalMoment(value: unknown): Moment | undefined {
	if (typeof value !== 'string' || value.length !== 29 || value.endsWith('-00:00')) return undefined;
	const result = readCanonicalText(value, null, value);
	return result !== undefined && result.ok ? result.moment : undefined;
}

/** The same moment seen in another zone. */
export function inZone(moment: Moment, zone: ZoneRef): Moment {
	return { epochMs: moment.epochMs, offsetMinutes: offsetMinutesAt(zone, moment.epochMs) };
}
