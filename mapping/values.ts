import { describe, IssueList } from './errors';
import { roundMoney } from './money';

/** Limits that keep one bad or hostile value from slowing everything down. */
export const LIMITS = {
	/** ids, names, codes, e-mail addresses */
	text: 1000,
	url: 4096,
	description: 10000,
	attributeKey: 200,
	attributeValue: 1000,
	attributes: 200,
	listItems: 1000,
	lines: 10000,
	/** largest accepted amount of money (one trillion in any currency) */
	money: 1e12,
	quantity: 1e9,
} as const;

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for undefined, null and text that is empty after trimming: all mean "not given". */
export function isBlank(value: unknown): boolean {
	if (value === undefined || value === null) return true;
	if (typeof value !== 'string') return false;
	// Quick answers first: most text starts with a visible character; huge text is never blank here.
	if (value.length === 0) return true;
	if (value.charCodeAt(0) > 32 || value.length > 1000) return false;
	return value.trim() === '';
}

/**
 * Text field: text is trimmed; numbers are accepted (spreadsheets turn ids into numbers); blank means absent.
 * `key` is appended to `prefix` only when an issue is recorded.
 */
export function readText(
	value: unknown,
	issues: IssueList,
	prefix: string,
	key: string,
	max: number = LIMITS.text,
	required = false,
): string | undefined {
	let text: string;
	if (typeof value === 'string') {
		text = value.length > 0 && (value.charCodeAt(0) <= 32 || value.charCodeAt(value.length - 1) <= 32) ? value.trim() : value;
	} else if (typeof value === 'number') {
		if (!Number.isFinite(value)) {
			issues.at(prefix, key, `expected text, got ${describe(value)}`);
			return undefined;
		}
		text = String(value);
	} else if (typeof value === 'bigint') {
		text = value.toString();
	} else if (value === undefined || value === null) {
		if (required) issues.at(prefix, key, 'is required');
		return undefined;
	} else {
		issues.at(prefix, key, `expected text, got ${describe(value)}`);
		return undefined;
	}
	if (text.length === 0) {
		if (required) issues.at(prefix, key, 'is required');
		return undefined;
	}
	if (text.length > max) {
		issues.at(prefix, key, `is too long (${text.length} characters; at most ${max})`);
		return undefined;
	}
	return text;
}

const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const COMMA_DECIMAL = /^[+-]?\d+,\d+$/;
const DOT_GROUPS_COMMA_DECIMAL = /^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$/;
const SPACE_GROUPS_COMMA_DECIMAL = /^[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?$/;
const LOOKS_DECIMAL_COMMA = /^[+-]?[\d., \u00a0\u202f]*,\d*$/;

/** Parses a decimal text exactly to 6 decimals (text with more decimals is rounded half away from zero). */
function decimalTextToNumber(text: string): number {
	const dot = text.indexOf('.');
	if (dot < 0 || text.length - dot - 1 <= 6) return Number(text);
	const negative = text.charCodeAt(0) === 45;
	const unsigned = text.charCodeAt(0) === 45 || text.charCodeAt(0) === 43 ? text.slice(1) : text;
	const cut = unsigned.indexOf('.') + 7;
	let value = Number(unsigned.slice(0, cut));
	if (unsigned.charCodeAt(cut) >= 53 /* '5' */) value = roundMoney(value + 0.000001);
	return negative ? -value : value;
}

/** Result of reading a number: the value, or the reason it could not be read (in plain words). */
export type NumberResult = { ok: true; value: number } | { ok: false; reason: string };

/**
 * Reads a number from a number or numeric text. A decimal comma ("12,50", "1.234,50") is accepted only
 * when `decimalComma` is true; then a dot is a thousands separator. Exponents and other text are refused.
 */
export function parseNumber(value: unknown, decimalComma: boolean): NumberResult {
	if (typeof value === 'number') {
		if (Number.isFinite(value)) return { ok: true, value };
		return { ok: false, reason: `got ${describe(value)}` };
	}
	if (typeof value !== 'string' || value.length > 100) return { ok: false, reason: `got ${describe(value)}` };
	const text = value.trim();
	if (text.length > 40) return { ok: false, reason: `got ${describe(value)}` };
	if (!decimalComma) {
		if (PLAIN_NUMBER.test(text)) return { ok: true, value: decimalTextToNumber(text) };
		if (LOOKS_DECIMAL_COMMA.test(text) && text.length > 1) {
			return { ok: false, reason: `got ${describe(value)} (a decimal comma is read only when the decimalComma option is on)` };
		}
		return { ok: false, reason: `got ${describe(value)}` };
	}
	let normalized: string | undefined;
	if (COMMA_DECIMAL.test(text)) normalized = text.replace(',', '.');
	else if (DOT_GROUPS_COMMA_DECIMAL.test(text)) normalized = text.replace(/\./g, '').replace(',', '.');
	else if (SPACE_GROUPS_COMMA_DECIMAL.test(text)) normalized = text.replace(/[ \u00a0\u202f]/g, '').replace(',', '.');
	else if (/^[+-]?\d+$/.test(text)) normalized = text;
	if (normalized === undefined) {
		const hint = PLAIN_NUMBER.test(text) ? ' (with the decimalComma option on, write decimals with a comma)' : '';
		return { ok: false, reason: `got ${describe(value)}${hint}` };
	}
	return { ok: true, value: decimalTextToNumber(normalized) };
}

/** An amount of money ≥ 0, rounded to 6 decimals. Blank means absent. */
export function readMoney(
	value: unknown,
	issues: IssueList,
	prefix: string,
	key: string,
	decimalComma: boolean,
	required = false,
): number | undefined {
	if (typeof value === 'number' && value >= 0 && value <= LIMITS.money) return roundMoney(value);
	if (isBlank(value)) {
		if (required) issues.at(prefix, key, 'is required');
		return undefined;
	}
	const result = parseNumber(value, decimalComma);
	if (!result.ok) {
		issues.at(prefix, key, `expected an amount (a number, 0 or more), ${result.reason}`);
		return undefined;
	}
	if (result.value < 0) {
		issues.at(prefix, key, `expected an amount of 0 or more, got ${describe(value)} (amounts are magnitudes; the status says whether it is a sale or a refund)`);
		return undefined;
	}
	if (result.value > LIMITS.money) {
		issues.at(prefix, key, `is too large (${describe(value)}; at most ${LIMITS.money})`);
		return undefined;
	}
	return roundMoney(result.value);
}

/** A quantity > 0 (fractions allowed, e.g. 1.5 kg), rounded to 6 decimals. */
export function readQuantity(
	value: unknown,
	issues: IssueList,
	prefix: string,
	key: string,
	decimalComma: boolean,
): number | undefined {
	if (typeof value === 'number' && value > 0 && value <= LIMITS.quantity) return roundMoney(value);
	if (isBlank(value)) {
		issues.at(prefix, key, 'is required');
		return undefined;
	}
	const result = parseNumber(value, decimalComma);
	if (!result.ok || result.value <= 0) {
		issues.at(prefix, key, `expected a positive number, ${result.ok ? `got ${describe(value)}` : result.reason}`);
		return undefined;
	}
	if (result.value > LIMITS.quantity) {
		issues.at(prefix, key, `is too large (${describe(value)}; at most ${LIMITS.quantity})`);
		return undefined;
	}
	const rounded = roundMoney(result.value);
	if (rounded <= 0) {
		issues.at(prefix, key, `expected a positive number, got ${describe(value)}`);
		return undefined;
	}
	return rounded;
}

/** A whole number (may be negative, e.g. Algonomy's regionId -1). */
export function readInteger(
	value: unknown,
	issues: IssueList,
	prefix: string,
	key: string,
): number | undefined {
	if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
	if (isBlank(value)) return undefined;
	const text = typeof value === 'string' ? value.trim() : undefined;
	if (text !== undefined && /^[+-]?\d{1,16}$/.test(text)) {
		const parsed = Number(text);
		if (Number.isSafeInteger(parsed)) return parsed;
	}
	issues.at(prefix, key, `expected a whole number, got ${describe(value)}`);
	return undefined;
}

/** A list of texts; a single text is split on commas ("44,55,3"), as spreadsheets carry lists. */
export function readTextList(
	value: unknown,
	issues: IssueList,
	prefix: string,
	key: string,
): string[] | undefined {
	if (isBlank(value)) return undefined;
	let items: unknown[];
	if (Array.isArray(value)) items = value;
	else if (typeof value === 'string') items = value.split(',');
	else if (typeof value === 'number') items = [value];
	else {
		issues.at(prefix, key, `expected a list of texts, got ${describe(value)}`);
		return undefined;
	}
	if (items.length > LIMITS.listItems) {
		issues.at(prefix, key, `has too many items (${items.length}; at most ${LIMITS.listItems})`);
		return undefined;
	}
	const out: string[] = [];
	const before = issues.length;
	for (let i = 0; i < items.length; i++) {
		const item = items[i];
		if (isBlank(item)) {
			if (typeof value === 'string') continue;
			issues.at(prefix, `${key}[${i}]`, 'is empty');
			continue;
		}
		const text = readText(item, issues, prefix, `${key}[${i}]`);
		if (text !== undefined) out.push(text);
	}
	if (issues.length > before) return undefined;
	return out.length > 0 ? out : undefined;
}

const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Free key/value attributes: only own keys are read, and "__proto__", "constructor" and "prototype" are
 * refused, so copying them into a plain object can never reach a prototype.
 * Values: text, finite number or boolean; null/undefined values mean "not given" and are left out.
 */
export function readAttributes(
	value: unknown,
	issues: IssueList,
	prefix: string,
	key: string,
): Record<string, string | number | boolean> | undefined {
	if (value === undefined || value === null) return undefined;
	if (!isRecord(value)) {
		issues.at(prefix, key, `expected an object of key/value pairs, got ${describe(value)}`);
		return undefined;
	}
	const keys = Object.keys(value);
	if (keys.length === 0) return undefined;
	if (keys.length > LIMITS.attributes) {
		issues.at(prefix, key, `has too many entries (${keys.length}; at most ${LIMITS.attributes})`);
		return undefined;
	}
	const out: Record<string, string | number | boolean> = {};
	let count = 0;
	for (const name of keys) {
		if (name.length === 0 || name.length > LIMITS.attributeKey || RESERVED_KEYS.has(name)) {
			const why = name.length === 0 ? 'an empty name' : RESERVED_KEYS.has(name) ? 'a reserved name' : 'a name that is too long';
			issues.at(prefix, key, `has an entry with ${why} (${describe(name)})`);
			continue;
		}
		const item = value[name];
		if (item === undefined || item === null) continue;
		const itemPath = /^[A-Za-z_$][\w$-]*$/.test(name) ? `${key}.${name}` : `${key}[${JSON.stringify(name)}]`;
		if (typeof item === 'string') {
			if (item.length > LIMITS.attributeValue) {
				issues.at(prefix, itemPath, `is too long (${item.length} characters; at most ${LIMITS.attributeValue})`);
				continue;
			}
			out[name] = item;
		} else if (typeof item === 'number') {
			if (!Number.isFinite(item)) {
				issues.at(prefix, itemPath, `expected text, a number or true/false, got ${describe(item)}`);
				continue;
			}
			out[name] = item;
		} else if (typeof item === 'boolean') {
			out[name] = item;
		} else {
			issues.at(prefix, itemPath, `expected text, a number or true/false, got ${describe(item)}`);
			continue;
		}
		count++;
	}
	return count > 0 ? out : undefined;
}

/** Copies checked attributes (no reserved keys) into a fresh object, optionally turning every value into text. */
export function copyAttributes(
	source: Record<string, string | number | boolean>,
	asText: boolean,
): Record<string, string | number | boolean> {
	const out: Record<string, string | number | boolean> = {};
	for (const name of Object.keys(source)) {
		const item = source[name];
		out[name] = asText && typeof item !== 'string' ? String(item) : item;
	}
	return out;
}
