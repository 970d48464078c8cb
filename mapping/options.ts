import { DateTime } from 'luxon';
import { z } from 'zod';
import { describe, IssueList, OrderValidationError, type OrderIssue } from './errors';
import { isIsoCurrency } from './currencies';
import { resolveZone, type ZoneRef } from './dates';
import { normalizeStatus, type OrderStatus } from './model';

/**
 * Options are checked with zod schemas built once at module load. zod's own messages never reach a
 * user: `zodIssues` rewrites every zod issue in our words. Order data itself goes through the
 * hand-written readers in canonical.ts, which measured several times faster than a zod schema.
 */

export interface ParseOptions {
	/** luxon format for ERP dates, e.g. 'dd.MM.yyyy HH:mm'; ISO and epoch values are still accepted */
	dateFormat?: string;
	/** IANA zone for dates without offset; default 'UTC' */
	timeZone?: string;
	/** accept "12,50" and "1.234,50" (then a dot is a thousands separator); default false */
	decimalComma?: boolean;
	/** currency when the order has none */
	defaultCurrency?: string;
	/** status when the order has none (otherwise a missing status is an error) */
	defaultStatus?: OrderStatus;
	/** report fields the canonical model does not know (default: they are ignored) */
	rejectUnknownFields?: boolean;
	/** extra status words, e.g. an ERP's {"abgeschlossen": "delivered"} (matched without case) */
	statusAliases?: Record<string, OrderStatus>;
}

export interface ResolvedParseOptions {
	dateFormat?: string;
	zone: ZoneRef;
	decimalComma: boolean;
	defaultCurrency?: string;
	defaultStatus?: OrderStatus;
	rejectUnknownFields: boolean;
	statusAliases?: Map<string, OrderStatus>;
}

const TYPE_WORDS: Record<string, string> = {
	string: 'text',
	number: 'a number',
	nan: 'NaN',
	boolean: 'true or false',
	object: 'an object',
	array: 'a list',
	null: 'null',
	undefined: 'nothing',
	function: 'a function',
	bigint: 'a big integer',
	symbol: 'a symbol',
	date: 'a Date',
};

function typeWord(type: string): string {
	return TYPE_WORDS[type] ?? type;
}

/** zod issues → our issues, with our own wording (never zod's text). */
export function zodIssues(error: z.ZodError, prefix: string): OrderIssue[] {
	return error.issues.map((issue) => {
		const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
		let message: string;
		switch (issue.code) {
			case 'invalid_type':
				message = issue.received === 'undefined' ? 'is required' : `expected ${typeWord(issue.expected)}, got ${typeWord(issue.received)}`;
				break;
			case 'invalid_enum_value':
				message = `expected one of ${issue.options.map((option) => JSON.stringify(option)).join(', ')}, got ${describe(issue.received)}`;
				break;
			case 'invalid_literal':
				message = `expected ${JSON.stringify(issue.expected)}`;
				break;
			case 'too_small':
				message = issue.type === 'string' ? (issue.minimum === 1 ? 'must not be empty' : `is too short (at least ${issue.minimum} characters)`) : `is too small (at least ${issue.minimum})`;
				break;
			case 'too_big':
				message = issue.type === 'string' ? `is too long (at most ${issue.maximum} characters)` : `is too large (at most ${issue.maximum})`;
				break;
			case 'unrecognized_keys':
				message = `has unknown ${issue.keys.length === 1 ? 'setting' : 'settings'} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`;
				break;
			case 'custom':
				message = typeof issue.params?.message === 'string' ? issue.params.message : 'is not valid';
				break;
			default:
				message = 'is not valid';
		}
		return { path, message };
	});
}

const optionalText = (max: number) => z.string().min(1).max(max).nullish();
const optionalFlag = z.boolean().nullish();

export const parseOptionsSchema = z
	.object({
		dateFormat: optionalText(100),
		timeZone: optionalText(64),
		decimalComma: optionalFlag,
		defaultCurrency: optionalText(10),
		defaultStatus: optionalText(40),
		rejectUnknownFields: optionalFlag,
		statusAliases: z.record(z.string().min(1).max(60), z.string()).nullish(),
	})
	.passthrough();

/** Throws OrderValidationError for a schema failure, with paths under `prefix`. */
export function checkWithSchema<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
	const result = schema.safeParse(value === undefined || value === null ? {} : value);
	if (!result.success) throw new OrderValidationError(zodIssues(result.error, prefix));
	return result.data;
}

function usableFormat(format: string): boolean {
	const sample = DateTime.fromObject({ year: 2024, month: 11, day: 22, hour: 14, minute: 5, second: 6 }, { zone: 'utc' });
	const text = sample.toFormat(format);
	return DateTime.fromFormat(text, format, { zone: 'utc' }).isValid;
}

const PARSE_KEYS = ['dateFormat', 'timeZone', 'decimalComma', 'defaultCurrency', 'defaultStatus', 'rejectUnknownFields', 'statusAliases'] as const;

export const DEFAULT_PARSE_OPTIONS: ResolvedParseOptions = Object.freeze({ zone: null, decimalComma: false, rejectUnknownFields: false });

let lastParseInput: unknown[] | undefined;
let lastParseResolved: ResolvedParseOptions = DEFAULT_PARSE_OPTIONS;

/** Checks and resolves parse options; the last result is reused while the same values come in. */
export function resolveParseOptions(options: unknown, prefix = 'options'): ResolvedParseOptions {
	if (options === undefined || options === null) return DEFAULT_PARSE_OPTIONS;
	if (typeof options !== 'object' || Array.isArray(options)) {
		throw new OrderValidationError([{ path: prefix, message: `expected an object of settings, got ${describe(options)}` }]);
	}
	const record = options as Record<string, unknown>;
	const snapshot = PARSE_KEYS.map((key) => record[key]);
	if (lastParseInput !== undefined && snapshot.every((value, index) => value === (lastParseInput as unknown[])[index])) {
		return lastParseResolved;
	}
	const checked = checkWithSchema(parseOptionsSchema, options, prefix);
	const issues = new IssueList();
	let zone: ZoneRef = null;
	if (checked.timeZone) {
		const resolved = resolveZone(checked.timeZone);
		if (resolved === undefined) issues.at(prefix, 'timeZone', `is not a known time zone (use an IANA name such as "Europe/Berlin"), got ${describe(checked.timeZone)}`);
		else zone = resolved;
	}
	if (checked.dateFormat && !usableFormat(checked.dateFormat)) {
		issues.at(prefix, 'dateFormat', `is not a usable date format (use luxon tokens such as "dd.MM.yyyy HH:mm"), got ${describe(checked.dateFormat)}`);
	}
	let defaultCurrency: string | undefined;
	if (checked.defaultCurrency) {
		defaultCurrency = checked.defaultCurrency.trim().toUpperCase();
		if (!isIsoCurrency(defaultCurrency)) issues.at(prefix, 'defaultCurrency', `expected an ISO 4217 currency code such as "EUR", got ${describe(checked.defaultCurrency)}`);
	}
	let defaultStatus: OrderStatus | undefined;
	if (checked.defaultStatus) {
		defaultStatus = normalizeStatus(checked.defaultStatus);
		if (defaultStatus === undefined) issues.at(prefix, 'defaultStatus', `is not an order status, got ${describe(checked.defaultStatus)}`);
	}
	let statusAliases: Map<string, OrderStatus> | undefined;
	if (checked.statusAliases) {
		const entries = Object.entries(checked.statusAliases);
		if (entries.length > 200) issues.at(prefix, 'statusAliases', `has too many entries (${entries.length}; at most 200)`);
		statusAliases = new Map();
		for (const [word, target] of entries) {
			const status = normalizeStatus(target);
			if (status === undefined) issues.at(prefix, `statusAliases.${word.slice(0, 60)}`, `expected an order status (created, in_progress, delivered, cancelled, returned, refunded), got ${describe(target)}`);
			else statusAliases.set(word.trim().toLowerCase(), status);
		}
	}
	issues.throwIfAny();
	const resolved: ResolvedParseOptions = {
		dateFormat: checked.dateFormat ?? undefined,
		zone,
		decimalComma: checked.decimalComma === true,
		defaultCurrency,
		defaultStatus,
		rejectUnknownFields: checked.rejectUnknownFields === true,
		statusAliases,
	};
	lastParseInput = snapshot;
	lastParseResolved = resolved;
	return resolved;
}

/**
 * A resolver for a writer's options: zod schema, then `finish` for checks zod cannot express.
 * The last (shallow) input is remembered, so a node calling once per item with equal settings pays once.
 */
export function optionsResolver<T, R>(
	schema: z.ZodType<T>,
	keys: readonly string[],
	finish: (checked: T, issues: IssueList) => R,
): (options: unknown) => R {
	let lastInput: unknown[] | undefined;
	let lastResult: R | undefined;
	return (options: unknown): R => {
		if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) {
			throw new OrderValidationError([{ path: 'options', message: `expected an object of settings, got ${describe(options)}` }]);
		}
		const record = (options ?? {}) as Record<string, unknown>;
		const snapshot = keys.map((key) => record[key]);
		if (lastInput !== undefined && snapshot.every((value, index) => value === (lastInput as unknown[])[index])) {
			return lastResult as R;
		}
		const checked = checkWithSchema(schema, record, 'options');
		const issues = new IssueList();
		const result = finish(checked, issues);
		issues.throwIfAny();
		lastInput = snapshot;
		lastResult = result;
		return result;
	};
}
