import { describe, guard, IssueList, OrderValidationError } from './errors';
import { translateIssue as translate } from './paths';
import { readCanonical } from './canonical';
import { closestHeader, detectFlatColumns, headersOf } from './columnNames';
import { lineAmount, multiplyMoney, subtractMoney, sumMoney } from './money';
import type { CanonicalOrder, OrderLine } from './model';
import { resolveParseOptions, type ParseOptions, type ResolvedParseOptions } from './options';
import { isBlank, isRecord, parseNumber } from './values';

/** Column names of a flat export (one row per order line). */
export interface FlatColumnMapping {
	orderId: string;
	orderDate: string;
	status: string;
	customerId: string;
	email: string;
	phone: string;
	firstName: string;
	lastName: string;
	currency: string;
	shipping: string;
	tax: string;
	discount: string;
	subtotal: string;
	total: string;
	couponCode: string;
	couponValue: string;
	paymentMethod: string;
	storeId: string;
	regionId: string;
	channel: string;
	productId: string;
	sku: string;
	productName: string;
	category: string;
	quantity: string;
	unitPrice: string;
	lineDiscount: string;
	lineSubtotal: string;
	productUrl: string;
	imageUrl: string;
}

/**
 * Further columns: billing/shipping address, hashes, segments, language, description. Kept apart from
 * FlatColumnMapping so code that lists every FlatColumnMapping key keeps compiling.
 */
export interface FlatExtraColumnMapping {
	emailHash: string;
	ccHash: string;
	language: string;
	segmentIds: string;
	segmentNames: string;
	billingStreet1: string;
	billingStreet2: string;
	billingCity: string;
	billingRegion: string;
	billingPostalCode: string;
	billingCountry: string;
	shippingStreet1: string;
	shippingStreet2: string;
	shippingCity: string;
	shippingRegion: string;
	shippingPostalCode: string;
	shippingCountry: string;
	productDescription: string;
}

export type FlatColumns = FlatColumnMapping & FlatExtraColumnMapping;

export const DEFAULT_FLAT_COLUMNS: FlatColumns = Object.freeze({
	orderId: 'order_id',
	orderDate: 'order_date',
	status: 'status',
	customerId: 'customer_id',
	email: 'email',
	phone: 'phone',
	firstName: 'first_name',
	lastName: 'last_name',
	currency: 'currency',
	shipping: 'shipping',
	tax: 'tax',
	discount: 'discount',
	subtotal: 'subtotal',
	total: 'total',
	couponCode: 'coupon_code',
	couponValue: 'coupon_value',
	paymentMethod: 'payment_method',
	storeId: 'store_id',
	regionId: 'region_id',
	channel: 'channel',
	productId: 'product_id',
	sku: 'sku',
	productName: 'product_name',
	category: 'category',
	quantity: 'quantity',
	unitPrice: 'unit_price',
	lineDiscount: 'line_discount',
	lineSubtotal: 'line_subtotal',
	productUrl: 'product_url',
	imageUrl: 'image_url',
	emailHash: 'email_hash',
	ccHash: 'cc_hash',
	language: 'language',
	segmentIds: 'segment_ids',
	segmentNames: 'segment_names',
	billingStreet1: 'billing_street1',
	billingStreet2: 'billing_street2',
	billingCity: 'billing_city',
	billingRegion: 'billing_region',
	billingPostalCode: 'billing_postal_code',
	billingCountry: 'billing_country',
	shippingStreet1: 'shipping_street1',
	shippingStreet2: 'shipping_street2',
	shippingCity: 'shipping_city',
	shippingRegion: 'shipping_region',
	shippingPostalCode: 'shipping_postal_code',
	shippingCountry: 'shipping_country',
	productDescription: 'product_description',
});

export interface FlatRowOptions extends ParseOptions {
	columns?: Partial<FlatColumns>;
	/** further columns copied into order.attributes (the column name is the key) */
	orderAttributeColumns?: string[];
	/** further columns copied into each line's attributes */
	lineAttributeColumns?: string[];
	/**
	 * Find columns from their header names (table in columnNames.ts / README). `columns` given explicitly
	 * win; an ambiguous header throws. Default false (only `columns` and the default snake_case names).
	 */
	detectColumns?: boolean;
	/** Fill a missing order subtotal / total from the lines (README "Derived amounts"); default false. */
	deriveAmounts?: boolean;
	/**
	 * With deriveAmounts: unit prices include tax (gross, as on most European tills), so the tax column is
	 * not added to the total. Default true. False: total = subtotal − discount + shipping + tax.
	 */
	pricesIncludeTax?: boolean;
	/**
	 * Lines with a negative quantity (a return on the same receipt) are taken out of the order into
	 * `returnLines` (quantity and amounts as magnitudes) instead of refusing the order. Default false.
	 */
	splitReturns?: boolean;
}

export interface FlatRowGroup {
	orderId: string;
	/** indexes into the given rows array */
	rowIndexes: number[];
	order?: CanonicalOrder;
	error?: OrderValidationError;
	/** order fields filled by the reader, not read from the export: 'subtotal', 'discount', 'total' */
	derived?: string[];
	/** with splitReturns: lines of the receipt with a negative quantity, as magnitudes (not in order.lines) */
	returnLines?: OrderLine[];
}

type ColumnKey = keyof FlatColumns;

/** Order-level columns and where they go in the canonical input; `numeric` ones compare by value. */
const ORDER_FIELDS: { key: ColumnKey; path: string[]; numeric?: boolean }[] = [
	{ key: 'orderDate', path: ['dateTime'] },
	{ key: 'status', path: ['status'] },
	{ key: 'customerId', path: ['customer', 'id'] },
	{ key: 'email', path: ['customer', 'email'] },
	{ key: 'emailHash', path: ['customer', 'emailHash'] },
	{ key: 'phone', path: ['customer', 'phone'] },
	{ key: 'firstName', path: ['customer', 'firstName'] },
	{ key: 'lastName', path: ['customer', 'lastName'] },
	{ key: 'billingStreet1', path: ['customer', 'billingAddress', 'street1'] },
	{ key: 'billingStreet2', path: ['customer', 'billingAddress', 'street2'] },
	{ key: 'billingCity', path: ['customer', 'billingAddress', 'city'] },
	{ key: 'billingRegion', path: ['customer', 'billingAddress', 'region'] },
	{ key: 'billingPostalCode', path: ['customer', 'billingAddress', 'postalCode'] },
	{ key: 'billingCountry', path: ['customer', 'billingAddress', 'country'] },
	{ key: 'shippingStreet1', path: ['customer', 'shippingAddress', 'street1'] },
	{ key: 'shippingStreet2', path: ['customer', 'shippingAddress', 'street2'] },
	{ key: 'shippingCity', path: ['customer', 'shippingAddress', 'city'] },
	{ key: 'shippingRegion', path: ['customer', 'shippingAddress', 'region'] },
	{ key: 'shippingPostalCode', path: ['customer', 'shippingAddress', 'postalCode'] },
	{ key: 'shippingCountry', path: ['customer', 'shippingAddress', 'country'] },
	{ key: 'channel', path: ['channel'] },
	{ key: 'storeId', path: ['storeId'] },
	{ key: 'regionId', path: ['regionId'], numeric: true },
	{ key: 'currency', path: ['currency'] },
	{ key: 'shipping', path: ['shipping'], numeric: true },
	{ key: 'tax', path: ['tax'], numeric: true },
	{ key: 'discount', path: ['discount'], numeric: true },
	{ key: 'subtotal', path: ['subtotal'], numeric: true },
	{ key: 'total', path: ['total'], numeric: true },
	{ key: 'couponCode', path: ['couponCode'] },
	{ key: 'couponValue', path: ['couponValue'], numeric: true },
	{ key: 'paymentMethod', path: ['paymentMethod'] },
	{ key: 'ccHash', path: ['ccHash'] },
	{ key: 'segmentIds', path: ['segmentIds'] },
	{ key: 'segmentNames', path: ['segmentNames'] },
	{ key: 'language', path: ['language'] },
];

const LINE_FIELDS: { key: ColumnKey; field: string }[] = [
	{ key: 'productId', field: 'productId' },
	{ key: 'sku', field: 'sku' },
	{ key: 'productName', field: 'name' },
	{ key: 'category', field: 'category' },
	{ key: 'quantity', field: 'quantity' },
	{ key: 'unitPrice', field: 'unitPrice' },
	{ key: 'lineDiscount', field: 'discount' },
	{ key: 'lineSubtotal', field: 'subtotal' },
	{ key: 'productUrl', field: 'url' },
	{ key: 'imageUrl', field: 'imageUrl' },
	{ key: 'productDescription', field: 'description' },
];

const own = Object.prototype.hasOwnProperty;

function cell(row: Record<string, unknown>, column: string): unknown {
	const value = row[column];
	return value === undefined || own.call(row, column) ? value : undefined;
}

function rowPath(index: number, column?: string): string {
	if (column === undefined) return `rows[${index}]`;
	return /^[A-Za-z_$][\w$]*$/.test(column) ? `rows[${index}].${column}` : `rows[${index}][${JSON.stringify(column)}]`;
}

function sameCell(a: unknown, b: unknown, numeric: boolean, options: ResolvedParseOptions): boolean {
	const left = typeof a === 'string' ? a.trim() : a;
	const right = typeof b === 'string' ? b.trim() : b;
	if (left === right) return true;
	// Only primitives are compared by text: String() of a null-prototype object throws and of a deeply
	// nested array overflows the stack. Two different non-primitive cells are a conflict.
	const isPrimitive = (value: unknown) => value === null || (typeof value !== 'object' && typeof value !== 'function');
	if (!isPrimitive(left) || !isPrimitive(right)) return false;
	if (typeof left === 'number' || typeof right === 'number') {
		if (String(left) === String(right)) return true;
	}
	if (!numeric) return false;
	const x = parseNumber(left, options.decimalComma);
	const y = parseNumber(right, options.decimalComma);
	return x.ok && y.ok && x.value === y.value;
}

function shortCell(value: unknown): string {
	return describe(typeof value === 'string' ? value.trim() : value);
}

interface ResolvedColumns {
	columns: FlatColumns;
	orderAttributeColumns: string[];
	lineAttributeColumns: string[];
	/** indexes into ORDER_FIELDS / LINE_FIELDS of the columns that occur in the rows at all */
	activeOrderFields: number[];
	activeLineFields: number[];
}

/**
 * Which mapped columns occur in any row (one pass over the rows' keys), so each group only looks at
 * columns that exist: exports rarely carry more than a few of the ~50 known columns.
 */
function activeFields(rows: unknown[], resolved: ResolvedColumns): Set<string> {
	const wanted = new Map<string, number>();
	const { columns } = resolved;
	wanted.set(columns.orderId, 0);
	for (const field of ORDER_FIELDS) wanted.set(columns[field.key], 0);
	for (const field of LINE_FIELDS) wanted.set(columns[field.key], 0);
	const present = new Set<string>();
	for (let r = 0; r < rows.length && present.size < wanted.size; r++) {
		const row = rows[r];
		if (!isRecord(row)) continue;
		// Inherited keys may slip in here; that only means a column is looked at (cell() reads own keys only).
		for (const key in row) if (wanted.has(key)) present.add(key);
	}
	resolved.activeOrderFields = [];
	resolved.activeLineFields = [];
	ORDER_FIELDS.forEach((field, i) => {
		if (present.has(columns[field.key])) resolved.activeOrderFields.push(i);
	});
	LINE_FIELDS.forEach((field, i) => {
		if (present.has(columns[field.key])) resolved.activeLineFields.push(i);
	});
	return present;
}

/** Columns without which no row can become an order. */
const REQUIRED_COLUMNS: { key: ColumnKey; what: string }[] = [
	{ key: 'orderId', what: 'order id' },
	{ key: 'orderDate', what: 'order date' },
	{ key: 'productId', what: 'product id' },
	{ key: 'quantity', what: 'quantity' },
	{ key: 'unitPrice', what: 'unit price' },
];

/**
 * One error for a required column that no row has (instead of one per row): it names the columns the
 * rows do have, the closest match, and says when the rows look split with the wrong delimiter.
 */
function missingColumnIssues(rows: unknown[], resolved: ResolvedColumns, present: Set<string>): IssueList | undefined {
	const missing = REQUIRED_COLUMNS.filter((required) => !present.has(resolved.columns[required.key]));
	if (missing.length === 0) return undefined;
	const headers = headersOf(rows);
	if (headers.length === 0) return undefined; // no record rows: each row reports itself
	const issues = new IssueList();
	const shown = headers.slice(0, 40).map((header) => JSON.stringify(header.length > 60 ? `${header.slice(0, 60)}…` : header)).join(', ');
	const more = headers.length > 40 ? ` and ${headers.length - 40} more` : '';
	let delimiterHint = '';
	if (headers.length === 1) {
		const only = headers[0];
		const seen = [';', '\t', ',', '|'].find((d) => only.includes(d === '\t' ? '\t' : d));
		if (seen !== undefined) {
			delimiterHint = ` The rows have a single column whose name contains "${seen === '\t' ? 'tab' : seen}": the file was probably split with the wrong delimiter (set the CSV delimiter to ${seen === '\t' ? 'tab' : `"${seen}"`}).`;
		}
	}
	for (const required of missing) {
		const column = resolved.columns[required.key];
		const closest = closestHeader(column, required.key, headers);
		issues.add(
			rowPath(0, column).replace(/^rows\[0\]/, 'rows[*]'),
			`no row has the ${required.what} column ${JSON.stringify(column)}; the rows have ${shown}${more}.` +
				(closest !== undefined ? ` Closest match: ${JSON.stringify(closest)} (name it in Column Names, or switch on column detection).` : '') +
				delimiterHint,
		);
	}
	return issues;
}

const PERCENT = /^\s*([+-]?\d+(?:[.,]\d+)?)\s*%\s*$/;

/** "10%", "10 %", "10,5%" → 10.5; anything else → undefined. */
function percentOf(value: unknown): number | undefined {
	if (typeof value !== 'string' || value.length > 40) return undefined;
	const match = PERCENT.exec(value);
	if (match === null) return undefined;
	const pct = Number(match[1].replace(',', '.'));
	return Number.isFinite(pct) && pct >= 0 && pct <= 100 ? pct : undefined;
}

/** pct % of an amount, rounded to the cent (half away from zero), as tills print it. */
function percentAmount(amount: number, pct: number): number {
	// amount × pct is already in cents (÷100 for the percent, ×100 for cents); round off float noise first.
	const cents = Math.round(Math.round(amount * pct * 1e6) / 1e6);
	return cents / 100;
}

function magnitude(value: unknown, options: ResolvedParseOptions): { negative: boolean; value: unknown } {
	if (isBlank(value)) return { negative: false, value };
	const parsed = parseNumber(value, options.decimalComma);
	if (!parsed.ok || parsed.value >= 0) return { negative: false, value };
	return { negative: true, value: -parsed.value };
}

interface Prepared {
	/** true for lines taken out as returns (same index as input.lines) */
	returned?: boolean[];
	orderDiscountPercent?: number;
}

/**
 * Before the canonical reader: percent discounts become amounts (line: of quantity × unit price) and,
 * with splitReturns, negative-quantity lines are marked and turned into magnitudes.
 */
function prepareGroup(input: Record<string, unknown>, options: ResolvedParseOptions, splitReturns: boolean): Prepared {
	const prepared: Prepared = {};
	const lines = input.lines as Record<string, unknown>[];
	for (let k = 0; k < lines.length; k++) {
		const line = lines[k];
		if (splitReturns) {
			const quantity = magnitude(line.quantity, options);
			if (quantity.negative) {
				if (prepared.returned === undefined) prepared.returned = new Array<boolean>(lines.length).fill(false);
				prepared.returned[k] = true;
				line.quantity = quantity.value;
				line.subtotal = magnitude(line.subtotal, options).value;
				line.discount = magnitude(line.discount, options).value;
			}
		}
		const pct = percentOf(line.discount);
		if (pct !== undefined) {
			const quantity = parseNumber(line.quantity, options.decimalComma);
			const price = parseNumber(line.unitPrice, options.decimalComma);
			if (quantity.ok && price.ok && quantity.value > 0 && price.value >= 0) line.discount = percentAmount(multiplyMoney(quantity.value, price.value), pct);
		}
	}
	const pct = percentOf(input.discount);
	if (pct !== undefined) {
		prepared.orderDiscountPercent = pct;
		delete input.discount;
	}
	return prepared;
}

function lineValue(line: OrderLine): number {
	return line.subtotal ?? lineAmount(line.quantity, line.unitPrice, line.discount ?? 0);
}

/**
 * After the canonical reader: returns out of the order, the order discount from a percentage, and (with
 * deriveAmounts, or whenever returns were split off because the receipt's own figures include them)
 * subtotal = Σ line amounts and total = subtotal − discount + shipping (+ tax for net prices).
 * Returns the problem text when the order cannot be completed.
 */
function completeOrder(
	order: CanonicalOrder,
	prepared: Prepared,
	group: FlatRowGroup,
	settings: { deriveAmounts: boolean; pricesIncludeTax: boolean },
): string | undefined {
	const derived: string[] = [];
	let derive = settings.deriveAmounts;
	if (prepared.returned !== undefined) {
		const kept: OrderLine[] = [];
		const returned: OrderLine[] = [];
		order.lines.forEach((line, k) => (prepared.returned![k] ? returned : kept).push(line));
		if (kept.length === 0) return 'every line has a negative quantity: the receipt is a return only (send it as a return, e.g. with status "returned" and positive quantities)';
		order.lines = kept;
		group.returnLines = returned;
		// The receipt's own subtotal/total include the returned lines: they are not the purchase's.
		delete order.subtotal;
		delete order.total;
		derive = true;
	}
	if (prepared.orderDiscountPercent !== undefined || derive) {
		const given = order.subtotal;
		const subtotal = given ?? sumMoney(order.lines.map(lineValue));
		if (prepared.orderDiscountPercent !== undefined) {
			order.discount = percentAmount(subtotal, prepared.orderDiscountPercent);
			derived.push('discount');
		}
		if (derive) {
			if (given === undefined) {
				order.subtotal = subtotal;
				derived.push('subtotal');
			}
			if (order.total === undefined) {
				let total = subtractMoney(subtotal, order.discount ?? 0);
				if (order.shipping !== undefined) total = sumMoney([total, order.shipping]);
				if (!settings.pricesIncludeTax && order.tax !== undefined) total = sumMoney([total, order.tax]);
				if (!(total >= 0)) return `the derived total is negative (${subtotal} − discount ${order.discount ?? 0} + shipping ${order.shipping ?? 0}${settings.pricesIncludeTax ? '' : ` + tax ${order.tax ?? 0}`} = ${total})`;
				order.total = total;
				derived.push('total');
			}
		}
	}
	if (derived.length > 0) group.derived = derived;
	return undefined;
}

function resolveColumns(options: FlatRowOptions | undefined): ResolvedColumns {
	const issues = new IssueList();
	const columns: FlatColumns = { ...DEFAULT_FLAT_COLUMNS };
	const given = options?.columns;
	if (given !== undefined && given !== null) {
		if (!isRecord(given)) issues.add('options.columns', `expected an object of column names, got ${describe(given)}`);
		else {
			for (const key of Object.keys(given)) {
				if (!own.call(DEFAULT_FLAT_COLUMNS, key)) {
					issues.add(`options.columns.${key.slice(0, 60)}`, 'is not a known column setting');
					continue;
				}
				const value = (given as Record<string, unknown>)[key];
				if (value === undefined || value === null || value === '') continue;
				if (typeof value !== 'string' || value.length > 200) issues.add(`options.columns.${key}`, `expected a column name, got ${describe(value)}`);
				else (columns as unknown as Record<string, string>)[key] = value;
			}
		}
	}
	const list = (value: unknown, name: string): string[] => {
		if (value === undefined || value === null) return [];
		if (!Array.isArray(value) || value.length > 200 || !value.every((entry) => typeof entry === 'string' && entry.length > 0 && entry.length <= 200)) {
			issues.add(`options.${name}`, `expected a list of column names, got ${describe(value)}`);
			return [];
		}
		return value.slice();
	};
	const orderAttributeColumns = list(options?.orderAttributeColumns, 'orderAttributeColumns');
	const lineAttributeColumns = list(options?.lineAttributeColumns, 'lineAttributeColumns');
	issues.throwIfAny();
	return { columns, orderAttributeColumns, lineAttributeColumns, activeOrderFields: [], activeLineFields: [] };
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
	let node = target;
	for (let i = 0; i < path.length - 1; i++) {
		let child = node[path[i]] as Record<string, unknown> | undefined;
		if (child === undefined) {
			child = {};
			node[path[i]] = child;
		}
		node = child;
	}
	node[path[path.length - 1]] = value;
}

/** Where each order-level value of a group came from (row index, -1 = nowhere), for error paths. */
interface GroupSources {
	orderFields: number[];
	orderAttributes: number[];
}

/**
 * Builds the canonical input of one group. Error paths are not built here (most groups have none):
 * `pathMapFor` builds the canonical-path → row-path map only for a group with issues.
 */
function buildGroup(
	rows: unknown[],
	indexes: number[],
	orderId: string | undefined,
	resolved: ResolvedColumns,
	options: ResolvedParseOptions,
	issues: IssueList,
): { input: Record<string, unknown>; sources: GroupSources } {
	const { columns } = resolved;
	const input: Record<string, unknown> = { id: orderId };
	const sources: GroupSources = { orderFields: new Array<number>(ORDER_FIELDS.length).fill(-1), orderAttributes: [] };
	for (const fieldIndex of resolved.activeOrderFields) {
		const field = ORDER_FIELDS[fieldIndex];
		const column = columns[field.key];
		let sourceIndex = -1;
		let value: unknown;
		for (let i = 0; i < indexes.length; i++) {
			const index = indexes[i];
			const candidate = cell(rows[index] as Record<string, unknown>, column);
			if (isBlank(candidate)) continue;
			if (sourceIndex < 0) {
				sourceIndex = index;
				value = candidate;
			} else if (candidate !== value && !sameCell(value, candidate, field.numeric === true, options)) {
				issues.add(rowPath(index, column), `conflicts with ${rowPath(sourceIndex)} of the same order (${shortCell(candidate)} vs ${shortCell(value)})`);
			}
		}
		if (sourceIndex >= 0) setPath(input, field.path, value);
		sources.orderFields[fieldIndex] = sourceIndex;
	}
	if (resolved.orderAttributeColumns.length > 0) {
		const attributes: Record<string, unknown> = Object.create(null);
		for (const column of resolved.orderAttributeColumns) {
			let sourceIndex = -1;
			for (const index of indexes) {
				const candidate = cell(rows[index] as Record<string, unknown>, column);
				if (isBlank(candidate)) continue;
				if (sourceIndex < 0) {
					sourceIndex = index;
					attributes[column] = typeof candidate === 'string' ? candidate.trim() : candidate;
				} else if (!sameCell(attributes[column], candidate, false, options)) {
					issues.add(rowPath(index, column), `conflicts with ${rowPath(sourceIndex)} of the same order (${shortCell(candidate)} vs ${shortCell(attributes[column])})`);
				}
			}
			sources.orderAttributes.push(sourceIndex);
		}
		input.attributes = attributes;
	}
	const lines: Record<string, unknown>[] = [];
	for (let k = 0; k < indexes.length; k++) {
		const row = rows[indexes[k]] as Record<string, unknown>;
		const line: Record<string, unknown> = {};
		for (const fieldIndex of resolved.activeLineFields) {
			const field = LINE_FIELDS[fieldIndex];
			line[field.field] = cell(row, columns[field.key]);
		}
		if (resolved.lineAttributeColumns.length > 0) {
			const attributes: Record<string, unknown> = Object.create(null);
			for (const column of resolved.lineAttributeColumns) {
				const value = cell(row, column);
				if (isBlank(value)) continue;
				attributes[column] = typeof value === 'string' ? value.trim() : value;
			}
			line.attributes = attributes;
		}
		lines.push(line);
	}
	input.lines = lines;
	return { input, sources };
}

/** Canonical issue path → row path, for a group that has issues. A missing value points at the first row. */
function pathMapFor(indexes: number[], resolved: ResolvedColumns, sources: GroupSources): Map<string, string> {
	const { columns } = resolved;
	const first = indexes[0];
	const pathMap = new Map<string, string>();
	pathMap.set('id', rowPath(first, columns.orderId));
	ORDER_FIELDS.forEach((field, i) => {
		const source = sources.orderFields[i];
		pathMap.set(field.path.join('.'), rowPath(source >= 0 ? source : first, columns[field.key]));
	});
	resolved.orderAttributeColumns.forEach((column, i) => {
		const source = sources.orderAttributes[i] >= 0 ? sources.orderAttributes[i] : first;
		pathMap.set(`attributes.${column}`, rowPath(source, column));
		pathMap.set(`attributes[${JSON.stringify(column)}]`, rowPath(source, column));
	});
	indexes.forEach((index, k) => {
		for (const field of LINE_FIELDS) pathMap.set(`lines[${k}].${field.field}`, rowPath(index, columns[field.key]));
		for (const column of resolved.lineAttributeColumns) {
			pathMap.set(`lines[${k}].attributes.${column}`, rowPath(index, column));
			pathMap.set(`lines[${k}].attributes[${JSON.stringify(column)}]`, rowPath(index, column));
		}
		pathMap.set(`lines[${k}]`, rowPath(index));
	});
	return pathMap;
}

function orderIdOf(value: unknown): string | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value === 'string') {
		const text = value.trim();
		return text === '' || text.length > 1000 ? undefined : text;
	}
	return undefined;
}

/**
 * Reads a flat export (one row per order line; orders may be interleaved) into orders, grouped by the
 * order-id column in order of first appearance. Order-level columns must agree across the rows of one
 * order (blank cells are fine; a different value is an error naming the row). A row without an order id
 * is its own error group (orderId ''). Issue paths point at rows: "rows[3].quantity". Bad rows never
 * throw: their group carries the error. Throws OrderValidationError only for bad options or a non-list.
 */
export function readFlatRows(rows: unknown[], options?: FlatRowOptions): FlatRowGroup[] {
	return guard(() => {
		if (!Array.isArray(rows)) throw new OrderValidationError([{ path: 'rows', message: `expected a list of rows, got ${describe(rows)}` }]);
		const resolved = resolveParseOptions(options);
		const columns = resolveColumns(options);
		if (options?.detectColumns === true) {
			const detection = detectFlatColumns(headersOf(rows), options.columns ?? undefined);
			Object.assign(columns.columns, detection.columns);
		}
		const settings = {
			deriveAmounts: options?.deriveAmounts === true,
			pricesIncludeTax: options?.pricesIncludeTax !== false,
			splitReturns: options?.splitReturns === true,
		};
		const present = activeFields(rows, columns);
		const missing = rows.length > 0 ? missingColumnIssues(rows, columns, present) : undefined;
		if (missing !== undefined) {
			// One error for the whole file: every row would fail the same way.
			return [{ orderId: '', rowIndexes: rows.map((_row, index) => index), error: new OrderValidationError(missing.items) }];
		}
		const groups: FlatRowGroup[] = [];
		const byId = new Map<string, FlatRowGroup>();
		// Groups keep their place of first appearance; rows without an id are their own groups in between.
		for (let index = 0; index < rows.length; index++) {
			const row = rows[index];
			if (!isRecord(row)) {
				groups.push({
					orderId: '',
					rowIndexes: [index],
					error: new OrderValidationError([{ path: rowPath(index), message: `expected a row object (column → value), got ${describe(row)}` }]),
				});
				continue;
			}
			const raw = cell(row, columns.columns.orderId);
			const orderId = orderIdOf(raw);
			if (orderId === undefined) {
				groups.push({ orderId: '', rowIndexes: [index] });
				continue;
			}
			const group = byId.get(orderId);
			if (group === undefined) {
				const created: FlatRowGroup = { orderId, rowIndexes: [index] };
				byId.set(orderId, created);
				groups.push(created);
			} else group.rowIndexes.push(index);
		}
		for (const group of groups) {
			if (group.error !== undefined) continue;
			const issues = new IssueList();
			const first = group.rowIndexes[0];
			if (group.orderId === '') {
				const raw = cell(rows[first] as Record<string, unknown>, columns.columns.orderId);
				issues.add(rowPath(first, columns.columns.orderId), isBlank(raw) ? 'is required (every row needs the order id)' : `expected an order id, got ${describe(raw)}`);
			}
			const { input, sources } = buildGroup(rows, group.rowIndexes, group.orderId === '' ? undefined : group.orderId, columns, resolved, issues);
			const prepared = prepareGroup(input, resolved, settings.splitReturns);
			const parseIssues = new IssueList();
			const result = readCanonical(input, resolved, parseIssues);
			if (parseIssues.length > 0) {
				const pathMap = pathMapFor(group.rowIndexes, columns, sources);
				for (const issue of parseIssues.items) {
					if (group.orderId === '' && issue.path === 'id') continue;
					issues.items.push(translate(issue, pathMap, rowPath(first)));
				}
			}
			if (issues.length === 0 && result !== undefined) {
				const problem = completeOrder(result.order, prepared, group, settings);
				if (problem !== undefined) issues.add(rowPath(first), problem);
			}
			if (issues.length > 0 || result === undefined) {
				group.error = new OrderValidationError(issues.items);
				delete group.derived;
				delete group.returnLines;
			} else group.order = result.order;
		}
		return groups;
	});
}
