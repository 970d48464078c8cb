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
	/** the canonical text, when the reader could build it without formatting */
	text?: string;
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

/** Reads `count` digits at `from` as a number, or -1 when one is not a digit. */
function digits(text: string, from: number, count: number): number {
	let result = 0;
	for (let i = from; i < from + count; i++) {
		const digit = digitAt(text, i);
		if (digit < 0) return -1;
		result = result * 10 + digit;
	}
	return result;
}

function pad2Fast(value: number): string {
	return value < 10 ? `0${value}` : String(value);
}

/**
 * The common ISO shapes read by character codes (no regex, no Date): "yyyy-MM-ddTHH:mm:ss", optional
 * fraction, then nothing, "Z" or "±HH:MM". Every order passes here (and writers re-read the canonical
 * text), so this is the hot path. Undefined when the shape differs: the general parser takes over.
 * When the offset is known the canonical text is built from the pieces, without formatting a Date.
 */
function readIsoFast(text: string, zone: ZoneRef, original: unknown): DateResult | undefined {
	const length = text.length;
	if (length < 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
	const separator = text.charCodeAt(10);
	if (separator !== 84 && separator !== 32) return undefined;
	const year = digits(text, 0, 4);
	const month = digits(text, 5, 2);
	const day = digits(text, 8, 2);
	const hour = digits(text, 11, 2);
	const minute = digits(text, 14, 2);
	const second = digits(text, 17, 2);
	if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
	let index = 19;
	let millisecond = 0;
	if (text.charCodeAt(index) === 46) {
		const start = ++index;
		while (index < length && digitAt(text, index) >= 0) index++;
		const count = index - start;
		if (count === 0 || count > 9) return undefined;
		millisecond = digits(text, start, Math.min(count, 3)) * (count === 1 ? 100 : count === 2 ? 10 : 1);
	}
	let offset: number | undefined;
	if (index === length) {
		if (zone !== null) return undefined; // zone rules: the general path asks luxon
		offset = 0;
	} else if (index === length - 1 && (text.charCodeAt(index) === 90 || text.charCodeAt(index) === 122)) {
		offset = 0;
	} else if (index === length - 6 && text.charCodeAt(index + 3) === 58) {
		const sign = text.charCodeAt(index);
		if (sign !== 43 && sign !== 45) return undefined;
		const offsetHours = digits(text, index + 1, 2);
		const offsetMinutes = digits(text, index + 4, 2);
		if (offsetHours < 0 || offsetMinutes < 0) return undefined;
		if (offsetHours > 18 || offsetMinutes > 59) return { ok: false, reason: `has an impossible UTC offset, got ${describe(original)}` };
		offset = (sign === 45 ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
	} else return undefined;
	const result = fromFields(year, month, day, hour, minute, second, millisecond, offset, zone, original);
	if (result.ok) {
		const absolute = Math.abs(offset);
		result.moment.text =
			`${text.slice(0, 10)}T${text.slice(11, 19)}.${millisecond < 10 ? '00' : millisecond < 100 ? '0' : ''}${millisecond}` +
			`${offset < 0 ? '-' : '+'}${pad2Fast(Math.floor(absolute / 60))}:${pad2Fast(absolute % 60)}`;
	}
	return result;
}

/** True when the text has exactly the canonical shape "yyyy-MM-ddTHH:mm:ss.SSS±HH:MM" (and not -00:00). */
function hasCanonicalShape(text: string): boolean {
	if (text.length !== 29 || text.charCodeAt(10) !== 84 || text.charCodeAt(19) !== 46 || text.charCodeAt(26) !== 58) return false;
	const sign = text.charCodeAt(23);
	return (sign === 43 || sign === 45) && !text.endsWith('-00:00');
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
	const fast = readIsoFast(text, zone, value);
	if (fast !== undefined) return fast;
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

/**
 * The canonical form: "2022-04-25T14:30:00.000+09:00" (always a numeric offset, never "Z").
 */
export function formatCanonical(moment: Moment): string {
	if (moment.text !== undefined) return moment.text;
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
	if (typeof value !== 'string' || !hasCanonicalShape(value)) return undefined;
	const result = readIsoFast(value, null, value);
	return result !== undefined && result.ok ? result.moment : undefined;
}

/** The same moment seen in another zone. */
export function inZone(moment: Moment, zone: ZoneRef): Moment {
	return { epochMs: moment.epochMs, offsetMinutes: offsetMinutesAt(zone, moment.epochMs) };
}
