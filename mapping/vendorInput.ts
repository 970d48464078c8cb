import { describe, IssueList, OrderValidationError } from './errors';
import { readCanonical } from './canonical';
import type { CanonicalOrder } from './model';
import { resolveParseOptions, type ParseOptions } from './options';
import { translateIssue } from './paths';
import { isBlank, isRecord, parseNumber } from './values';
import { sumMoney } from './money';

/** Helpers shared by the Shopify and WooCommerce webhook readers. */

const MAX_BODY_TEXT = 10_000_000;

/** The webhook body: given directly, as JSON text, or wrapped as {body: …} (n8n Webhook node output). */
export function unwrapBody(input: unknown, looksLikeBody: (record: Record<string, unknown>) => boolean, vendor: string): Record<string, unknown> {
	let value = input;
	for (let depth = 0; depth < 3; depth++) {
		if (typeof value === 'string') {
			if (value.length > MAX_BODY_TEXT) throw new OrderValidationError([{ path: '', message: `the ${vendor} body is too large (${value.length} characters)` }]);
			try {
				value = JSON.parse(value) as unknown;
			} catch {
				throw new OrderValidationError([{ path: '', message: `expected a ${vendor} webhook body (JSON), got text that is not JSON` }]);
			}
			continue;
		}
		if (isRecord(value) && !looksLikeBody(value) && Object.prototype.hasOwnProperty.call(value, 'body')) {
			value = value.body;
			continue;
		}
		break;
	}
	if (!isRecord(value)) throw new OrderValidationError([{ path: '', message: `expected a ${vendor} webhook body (an object), got ${describe(value)}` }]);
	return value;
}

/** Text of an id that may come as number or text; a number beyond 2^53 has lost digits and is refused. */
export function idText(value: unknown, path: string, issues: IssueList): string | undefined {
	if (typeof value === 'number') {
		if (Number.isSafeInteger(value)) return String(value);
		issues.add(path, `cannot be read exactly (${describe(value)} is beyond JavaScript's safe integers; pass the id as text)`);
		return undefined;
	}
	if (typeof value === 'string' && value.trim() !== '') return value.trim();
	return undefined;
}

/** Sum of amounts given as numbers or numeric text; a bad one is reported at its path. */
export function sumAmounts(entries: { value: unknown; path: string }[], issues: IssueList, absolute = false): number | undefined {
	const numbers: number[] = [];
	for (const entry of entries) {
		if (isBlank(entry.value)) continue;
		const parsed = parseNumber(entry.value, false);
		if (!parsed.ok) {
			issues.add(entry.path, `expected an amount, ${parsed.reason}`);
			return undefined;
		}
		numbers.push(absolute ? Math.abs(parsed.value) : parsed.value);
	}
	return numbers.length > 0 ? sumMoney(numbers) : undefined;
}

export function list(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}

export function record(value: unknown): Record<string, unknown> {
	return isRecord(value) ? value : {};
}

/** Runs the canonical reader on the built input; canonical paths are translated to the vendor's fields. */
export function finishVendorOrder(
	input: Record<string, unknown>,
	readerIssues: IssueList,
	pathMap: Map<string, string>,
	options: ParseOptions | undefined,
): CanonicalOrder {
	const resolved = resolveParseOptions(options);
	const issues = new IssueList();
	const result = readCanonical(input, resolved, issues);
	// A field the vendor reader already reported is not reported a second time by the canonical reader.
	const reported = new Set(readerIssues.items.map((issue) => issue.path));
	const translated = issues.items.map((issue) => translateIssue(issue, pathMap)).filter((issue) => !reported.has(issue.path));
	const all = readerIssues.items.concat(translated);
	if (all.length > 0 || result === undefined) throw new OrderValidationError(all);
	return result.order;
}
