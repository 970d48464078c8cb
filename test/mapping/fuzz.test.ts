import {
	OrderValidationError,
	parseCanonicalOrder,
	parseCsv,
	readFlatRows,
	readShopifyOrder,
	readWooCommerceOrder,
	toAlgonomyOrder,
	toEsputnikOrder,
	toEsputnikOrderEvent,
	toEsputnikSiteEvent,
	toOdpOrderEvent,
	toOdpOrderObject,
	toOptimizelyRecsOrder,
	type CanonicalOrder,
	type OrderIssue,
} from '../../mapping';
import * as library from '../../mapping';
import { canonicalFixedPoint } from '../../mapping/fastCheck';
import { fixture, fixtureText } from './helpers';

/**
 * Generated malformed input: a small seeded generator breaks valid orders in one known place (plus
 * harmless noise) and checks that every public function answers with an OrderValidationError naming that
 * place — never another exception, never prototype pollution.
 */

/** mulberry32: small, seeded, reproducible. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

function deep(levels: number): Record<string, unknown> {
	let node: Record<string, unknown> = { leaf: 1 };
	for (let i = 0; i < levels; i++) node = { next: node };
	return node;
}

function circular(): Record<string, unknown> {
	const node: Record<string, unknown> = { name: 'loop' };
	node.self = node;
	return node;
}

const HUGE = 'x'.repeat(200_000);
const UNICODE = ['Zoë 🍵', 'مرحبا', 'a\u200bb', 'e\u0301', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '\u0000nul', '\ud800lone'];
const NOT_TEXT = [{}, [], [1, 2], true, false, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Symbol('s'), () => 1, deep(5000), circular()];
const NOT_AMOUNT = ['abc', Number.NaN, Number.POSITIVE_INFINITY, -5, '1e5', '12,5,0', true, {}, [], '', '  -0.5', HUGE, '--1', deep(100)];
const NOT_QUANTITY = ['two', -1, 0, '0', Number.NaN, Number.NEGATIVE_INFINITY, '', null, {}, [3], '1e2', '-3'];
const NOT_DATE = ['2023-02-29T10:00:00Z', '2024-02-30', '2024-04-31 12:00', '2024-13-01', '2024-01-01T25:00:00Z', 'soon', '', Number.NaN, 1e20, true, {}, [], HUGE, '2024-01-01T10:00:00+99:00'];
const NOT_OBJECT = ['text', 42, true, [1], Number.NaN];
const NOT_ATTRIBUTES = [
	JSON.parse('{"__proto__":{"polluted":"yes"}}'),
	JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}'),
	{ nested: { a: 1 } },
	{ value: Number.NaN },
	{ list: [1, 2] },
	{ big: HUGE },
	[1, 2],
	'text',
	deep(10000),
	circular(),
];

function validOrder(rng: Rng, n: number): Record<string, unknown> {
	const lineCount = 1 + Math.floor(rng() * 3);
	return {
		id: String(1000 + n),
		dateTime: pick(rng, ['2024-05-01T10:00:00+02:00', 1714550400, '1714550400000', '2024-05-01 10:00', '2016-05-16T14:25:00 GMT']),
		status: pick(rng, ['created', 'paid', 'completed', 'in progress', 'Canceled', 'delivered']),
		customer: { id: `c${n}`, email: `u${n}@example.com`, phone: '+49 151 2345678', firstName: pick(rng, UNICODE), lastName: 'Doe', billingAddress: { city: pick(rng, UNICODE) } },
		currency: pick(rng, ['EUR', 'usd', ' gbp ']),
		total: pick(rng, [10, '10.50', 0.3]),
		tax: pick(rng, [undefined, 1.2, '0']),
		channel: 'store',
		attributes: { store: pick(rng, UNICODE), floor: 2 },
		lines: Array.from({ length: lineCount }, (_, i) => ({
			productId: String(4556 + i),
			sku: `sku${i}`,
			name: pick(rng, UNICODE),
			quantity: pick(rng, [1, '2', 3]),
			unitPrice: pick(rng, [0.1, '256.678', 5]),
		})),
	};
}

type Mutation = (order: Record<string, unknown>, rng: Rng) => string;

const lineOf = (order: Record<string, unknown>, rng: Rng): [Record<string, unknown>, number] => {
	const lines = order.lines as Record<string, unknown>[];
	const index = Math.floor(rng() * lines.length);
	return [lines[index], index];
};

/** Each mutation breaks one place and returns the path (prefix) that must be reported. */
const MUTATIONS: Mutation[] = [
	(order) => {
		delete order.id;
		return 'id';
	},
	(order, rng) => {
		order.id = pick(rng, [...NOT_TEXT, '', '   ', HUGE]);
		return 'id';
	},
	(order, rng) => {
		order.dateTime = pick(rng, NOT_DATE);
		return 'dateTime';
	},
	(order, rng) => {
		order.status = pick(rng, ['lost', 42, {}, '', null, 'ZZZ'.repeat(50)]);
		return 'status';
	},
	(order, rng) => {
		order.lines = pick(rng, ['lines', {}, 42, [], null]);
		if (Array.isArray(order.lines)) order.status = 'paid'; // a cancelled or refunded order may have no lines
		return 'lines';
	},
	(order, rng) => {
		order.customer = pick(rng, NOT_OBJECT);
		return 'customer';
	},
	(order, rng) => {
		const customer = order.customer as Record<string, unknown>;
		const field = pick(rng, ['id', 'email', 'phone', 'firstName', 'emailHash']);
		customer[field] = pick(rng, field === 'email' ? ['not-an-email', 'a b@c', {}, HUGE] : field === 'phone' ? ['call me', {}, '12'] : NOT_TEXT);
		return `customer.${field}`;
	},
	(order, rng) => {
		(order.customer as Record<string, unknown>).billingAddress = { street1: pick(rng, NOT_TEXT), city: 'X' };
		return 'customer.billingAddress.street1';
	},
	(order, rng) => {
		const field = pick(rng, ['total', 'tax', 'shipping', 'discount', 'subtotal', 'couponValue']);
		order[field] = pick(rng, NOT_AMOUNT.filter((value) => value !== ''));
		return field;
	},
	(order, rng) => {
		order.currency = pick(rng, ['EURO', 'XYZ', 'e', 5, {}, 'XXX']);
		return 'currency';
	},
	(order, rng) => {
		const field = pick(rng, ['channel', 'storeId', 'couponCode', 'paymentMethod', 'ccHash']);
		order[field] = pick(rng, [...NOT_TEXT, HUGE]);
		return field;
	},
	(order, rng) => {
		order.regionId = pick(rng, ['north', 1.5, {}, Number.NaN, '99999999999999999999']);
		return 'regionId';
	},
	(order, rng) => {
		order.segmentIds = pick(rng, [{}, [{}], [true], [null], [Number.NaN], [HUGE]]);
		return 'segmentIds';
	},
	(order, rng) => {
		order.attributes = pick(rng, NOT_ATTRIBUTES);
		return 'attributes';
	},
	(order, rng) => {
		const [line, index] = lineOf(order, rng);
		delete line[pick(rng, ['productId', 'quantity', 'unitPrice'])];
		return `lines[${index}]`;
	},
	(order, rng) => {
		const [line, index] = lineOf(order, rng);
		line.quantity = pick(rng, NOT_QUANTITY);
		return `lines[${index}].quantity`;
	},
	(order, rng) => {
		const [line, index] = lineOf(order, rng);
		line.unitPrice = pick(rng, NOT_AMOUNT);
		return `lines[${index}].unitPrice`;
	},
	(order, rng) => {
		const [line, index] = lineOf(order, rng);
		line.discount = pick(rng, ['x', -1, 1e9, Number.NaN]);
		return `lines[${index}].discount`;
	},
	(order, rng) => {
		const [line, index] = lineOf(order, rng);
		line.productId = pick(rng, [...NOT_TEXT, '', HUGE]);
		return `lines[${index}].productId`;
	},
	(order, rng) => {
		const [line, index] = lineOf(order, rng);
		line.attributes = pick(rng, NOT_ATTRIBUTES);
		return `lines[${index}].attributes`;
	},
	(order, rng) => {
		const lines = order.lines as unknown[];
		const index = Math.floor(rng() * lines.length);
		lines[index] = pick(rng, [null, 'line', 5, [], deep(2000)]);
		return `lines[${index}]`;
	},
	(order, rng) => {
		const [line, index] = lineOf(order, rng);
		line.url = 'u'.repeat(5000 + Math.floor(rng() * 100));
		return `lines[${index}].url`;
	},
];

const TOP_LEVEL_MUTATIONS = [0, 1, 2, 3, 8, 9, 10, 11, 12, 13].map((index) => MUTATIONS[index]);

/** Harmless noise: unknown keys (including __proto__ / constructor), circular unknown fields. */
function addNoise(order: Record<string, unknown>, rng: Rng): void {
	const noise = pick(rng, [0, 1, 2, 3]);
	if (noise === 1) Object.assign(order, JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}'));
	if (noise === 2) order.self = order;
	if (noise === 3) order['ключ 🔑'] = pick(rng, UNICODE);
}

const RAW_LIBRARY_TEXT = /zod|luxon|\[object Object\]|Invalid input|you specified|undefined is not/i;

/** Checks by hand (a jest expect per issue would dominate the run time) and fails with a clear reason. */
function expectValidationError(work: () => unknown): OrderIssue[] {
	try {
		work();
	} catch (error) {
		if (!(error instanceof OrderValidationError)) throw new Error(`not an OrderValidationError: ${String(error)}`);
		if (error.issues.length === 0) throw new Error('an OrderValidationError without issues');
		for (const issue of error.issues) {
			const fine =
				typeof issue.path === 'string' &&
				typeof issue.message === 'string' &&
				issue.message.length > 0 &&
				issue.message.length < 400 &&
				!RAW_LIBRARY_TEXT.test(issue.message);
			if (!fine) throw new Error(`bad issue: ${JSON.stringify(issue).slice(0, 300)}`);
		}
		if (error.message.length >= 2200) throw new Error(`message too long: ${error.message.length}`);
		return error.issues;
	}
	throw new Error('expected an OrderValidationError, but the input was accepted');
}

/** Accepted or OrderValidationError: nothing else. */
function expectNoOtherException(work: () => unknown): void {
	try {
		work();
	} catch (error) {
		if (!(error instanceof OrderValidationError)) throw new Error(`not an OrderValidationError: ${String(error)}`);
	}
}

const WRITERS: ((order: CanonicalOrder) => unknown)[] = [
	(order) => toOptimizelyRecsOrder(order),
	(order) => toAlgonomyOrder(order),
	(order) => toEsputnikOrderEvent(order, { eventTypeKey: 'orderCreated', contactIdentifier: 'email' }),
	(order) => toEsputnikOrder(order),
	(order) => toOdpOrderEvent(order, { action: 'purchase' }),
	(order) => toOdpOrderObject(order),
];

const CASES = 3000;

afterAll(() => {
	expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	expect(Object.keys(Object.prototype)).toEqual([]);
});

describe('generated malformed canonical orders', () => {
	it(`${CASES} cases: the broken place is reported by the reader and by every writer`, () => {
		const rng = random(20261122);
		const seenPaths = new Set<string>();
		for (let n = 0; n < CASES; n++) {
			const order = validOrder(rng, n);
			const first = MUTATIONS[n % MUTATIONS.length](order, rng);
			// A second break only on top-level fields, which cannot pull the structure out from under the first.
			const second = rng() < 0.3 ? pick(rng, TOP_LEVEL_MUTATIONS)(order, rng) : undefined;
			addNoise(order, rng);
			const options = pick(rng, [undefined, { timeZone: 'Europe/Berlin' }, { decimalComma: true }, { dateFormat: 'dd.MM.yyyy HH:mm' }]);
			let issues: OrderIssue[];
			try {
				issues = expectValidationError(() => parseCanonicalOrder(order, options));
			} catch (error) {
				throw new Error(`case ${n} (break at ${first}${second ? ` and ${second}` : ''}): ${String(error)}`);
			}
			const reports = (path: string) => issues.some((issue) => issue.path === path || issue.path.startsWith(`${path}.`) || issue.path.startsWith(`${path}[`));
			if (!reports(first) && !(second !== undefined && reports(second))) {
				throw new Error(`case ${n}: expected an issue at ${first}, got ${JSON.stringify(issues)}`);
			}
			seenPaths.add(first);
			for (const write of WRITERS) expectValidationError(() => write(order as unknown as CanonicalOrder));
		}
		expect(seenPaths.size).toBeGreaterThan(40);
	});

	it('valid generated orders pass every reader and writer (the generator is not broken)', () => {
		const rng = random(7);
		for (let n = 0; n < 300; n++) {
			const order = validOrder(rng, n);
			addNoise(order, rng);
			const canonical = parseCanonicalOrder(order);
			for (const write of WRITERS.slice(0, 5)) write(canonical);
			toOdpOrderObject(canonical, { defaultCallingCode: '49' });
		}
	});
});

describe("the writers' fast path accepts only what the reader would return unchanged", () => {
	const tweaks: ((order: Record<string, unknown>, rng: Rng) => void)[] = [
		(order, rng) => {
			order.total = pick(rng, [0.1 + 0.2, -0, 1e12, 1e12 + 1, 5, Number.MIN_VALUE, 1.0000005]);
		},
		(order, rng) => {
			order.id = pick(rng, [' x', 'x ', 'x\u00a0', '\u2028x', 'x', 'y'.repeat(1000), 'y'.repeat(1001)]);
		},
		(order, rng) => {
			order.dateTime = pick(rng, ['2024-05-01T10:00:00.000+02:00', '2024-05-01T10:00:00.000-00:00', '2024-02-30T10:00:00.000+00:00', '2024-05-01T10:00:00.000+19:00', '2024-05-01T10:00:00Z']);
		},
		(order, rng) => {
			order.currency = pick(rng, ['EUR', 'eur', 'XXX', undefined]);
		},
		(order, rng) => {
			order.status = pick(rng, ['created', 'paid', 'refunded', 'Created']);
		},
		(order, rng) => {
			const lines = order.lines as Record<string, unknown>[];
			lines[0] = { ...lines[0], quantity: pick(rng, [1, 0, 1.0000001, 2.5, 1e9, 1e9 + 1]), discount: pick(rng, [undefined, 0, 1e6, 0.5]) };
		},
		(order, rng) => {
			order.segmentIds = pick(rng, [[], ['a'], ['a', ''], ['a '], 'a,b']);
		},
		(order, rng) => {
			order.attributes = pick(rng, [{}, { a: 1 }, { a: null }, { a: Number.NaN }, JSON.parse('{"__proto__":"x"}'), { ['k'.repeat(201)]: 1 }]);
		},
		(order, rng) => {
			order.customer = pick(rng, [{}, { email: 'a@b' }, { email: 'a@b ' }, { phone: '12' }, { phone: '123' }, { billingAddress: {} }, { billingAddress: { city: 'x' } }]);
		},
		(order, rng) => {
			order.lines = pick(rng, [[], order.lines]);
			order.status = pick(rng, ['created', 'cancelled']);
		},
	];

	it('on 3000 canonical orders with small changes', () => {
		const rng = random(424242);
		let fast = 0;
		for (let n = 0; n < 3000; n++) {
			const canonical = parseCanonicalOrder(validOrder(rng, n)) as unknown as Record<string, unknown>;
			if (n < 200) expect(canonicalFixedPoint(canonical)).toBeDefined();
			const changed: Record<string, unknown> = { ...canonical, lines: (canonical.lines as object[]).map((line) => ({ ...line })) };
			pick(rng, tweaks)(changed, rng);
			if (rng() < 0.3) pick(rng, tweaks)(changed, rng);
			const accepted = canonicalFixedPoint(changed);
			if (accepted === undefined) continue;
			fast++;
			let reread: unknown;
			try {
				reread = parseCanonicalOrder(changed);
			} catch (error) {
				throw new Error(`case ${n}: the fast path accepted what the reader refuses: ${String(error)}`);
			}
			expect(reread).toEqual(JSON.parse(JSON.stringify(changed)));
			expect(Date.parse(changed.dateTime as string)).toBe(accepted.moment.epochMs);
		}
		expect(fast).toBeGreaterThan(300);
	});
});

describe('generated junk for the other readers', () => {
	const shopify = fixture<Record<string, unknown>>('shopify-orders-create.json');
	const refund = fixture<Record<string, unknown>>('shopify-refunds-create.json');
	const woo = fixture<Record<string, unknown>>('woocommerce-order-created.json');
	const JUNK = [...NOT_TEXT, ...NOT_AMOUNT, null, undefined, '', HUGE, JSON.parse('{"__proto__":{"polluted":"yes"}}')];

	/** Replaces one random leaf (or branch) of a JSON-like value with junk. */
	function corrupt(value: unknown, rng: Rng, depth = 0): unknown {
		if (Array.isArray(value)) {
			if (value.length === 0 || rng() < 0.15) return pick(rng, JUNK);
			const copy = value.slice();
			const index = Math.floor(rng() * copy.length);
			copy[index] = corrupt(copy[index], rng, depth + 1);
			return copy;
		}
		if (value !== null && typeof value === 'object') {
			const keys = Object.keys(value);
			if (keys.length === 0 || rng() < 0.1 * depth) return pick(rng, JUNK);
			const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
			const key = pick(rng, keys);
			copy[key] = corrupt(copy[key], rng, depth + 1);
			return copy;
		}
		return pick(rng, JUNK);
	}

	it('Shopify and WooCommerce bodies with a corrupted field', () => {
		const rng = random(99);
		let rejected = 0;
		for (let n = 0; n < 1500; n++) {
			const source = pick(rng, [shopify, refund, woo]);
			const body = corrupt(source, rng);
			let text: string | undefined;
			try {
				text = JSON.stringify(body);
			} catch {
				text = undefined; // circular or too deep for JSON: test the object forms only
			}
			const wrapped = pick(rng, [body, { headers: {}, body }, text ?? body]);
			const read = source === woo ? readWooCommerceOrder : readShopifyOrder;
			try {
				read(wrapped);
			} catch (error) {
				if (!(error instanceof OrderValidationError)) throw new Error(`case ${n}: ${String(error)}`);
				rejected++;
			}
		}
		// Many corrupted leaves are fields the readers do not use; a good share must still be refused.
		expect(rejected).toBeGreaterThan(150);
		for (const junk of JUNK) {
			expectNoOtherException(() => readShopifyOrder(junk));
			expectNoOtherException(() => readWooCommerceOrder(junk));
		}
	});

	it('flat rows with corrupted cells: never throws, every row lands in exactly one group', () => {
		const rng = random(5);
		const rows = parseCsv(fixtureText('orders-export.csv'));
		for (let n = 0; n < 500; n++) {
			const broken: unknown[] = rows.map((row) => ({ ...row }));
			const count = 1 + Math.floor(rng() * 3);
			for (let k = 0; k < count; k++) {
				const index = Math.floor(rng() * broken.length);
				if (rng() < 0.1) broken[index] = pick(rng, JUNK);
				else {
					const row = broken[index] as Record<string, unknown>;
					if (row !== null && typeof row === 'object') row[pick(rng, Object.keys(rows[0]))] = pick(rng, JUNK);
				}
			}
			const groups = readFlatRows(broken, pick(rng, [undefined, { decimalComma: true }, { timeZone: 'Asia/Tokyo' }]));
			const covered = groups.flatMap((group) => group.rowIndexes).sort((a, b) => a - b);
			expect(covered).toEqual(broken.map((_, index) => index));
			for (const group of groups) {
				expect(group.order === undefined).toBe(group.error !== undefined);
				if (group.error) {
					expect(group.error).toBeInstanceOf(OrderValidationError);
					expect(group.error.issues.every((issue) => issue.path.startsWith('rows['))).toBe(true);
				}
			}
		}
	});

	it('random CSV text and random site events', () => {
		const rng = random(11);
		const alphabet = ['a', 'b', ',', ';', '"', '""', '\n', '\r\n', '\r', 'ä', ' ', '\ufeff'];
		for (let n = 0; n < 1000; n++) {
			const text = Array.from({ length: Math.floor(rng() * 60) }, () => pick(rng, alphabet)).join('');
			expectNoOtherException(() => parseCsv(text, pick(rng, [undefined, { delimiter: ';' }, { delimiter: '' }])));
		}
		for (const junk of JUNK) expectNoOtherException(() => parseCsv(junk as string));
		const types = ['pageViewed', 'productViewed', 'productCategoryViewed', 'cartUpdated', 'other'];
		for (let n = 0; n < 500; n++) {
			const input: Record<string, unknown> = {
				eventTypeKey: pick(rng, types),
				email: pick(rng, ['a@b.co', ...JUNK]),
				phone: pick(rng, ['+380501234567', ...JUNK]),
				pageLocation: pick(rng, ['https://x', ...JUNK]),
				product: pick(rng, [{ productId: 'p', price: 1, properties: { c: ['x'] } }, ...JUNK]),
				categoryId: pick(rng, ['Mugs', ...JUNK]),
				products: pick(rng, [[{ productId: 'p', quantity: 1, price: 2 }], [pick(rng, JUNK)], ...JUNK]),
				recycleStateId: pick(rng, ['r', ...JUNK]),
				currencyCode: pick(rng, ['USD', ...JUNK]),
			};
			expectNoOtherException(() => toEsputnikSiteEvent(input as never));
		}
	});

	it('writer options of the wrong shape', () => {
		const order = parseCanonicalOrder(validOrder(random(3), 1));
		for (const junk of JUNK) {
			expectNoOtherException(() => toOptimizelyRecsOrder(order, junk as never));
			expectNoOtherException(() => toAlgonomyOrder(order, junk as never));
			expectNoOtherException(() => toEsputnikOrderEvent(order, junk as never));
			expectNoOtherException(() => toEsputnikOrder(order, junk as never));
			expectNoOtherException(() => toOdpOrderEvent(order, junk as never));
			expectNoOtherException(() => toOdpOrderObject(order, junk as never));
			expectNoOtherException(() => parseCanonicalOrder(order, junk as never));
			expectNoOtherException(() => readFlatRows([], junk as never));
		}
	});
});

describe('every exported function, called with junk arguments', () => {
	it('answers with a value or an OrderValidationError, nothing else', () => {
		const rng = random(1234);
		const junk: unknown[] = [undefined, null, '', 'x', 5, -1, Number.NaN, {}, [], [null], true, Symbol('s'), () => 1, deep(3000), circular(), HUGE, JSON.parse('{"__proto__":{"polluted":1}}')];
		const functions = Object.entries(library).filter(([name, value]) => typeof value === 'function' && name !== 'OrderValidationError');
		expect(functions.length).toBeGreaterThan(15);
		for (const [name, fn] of functions) {
			for (let n = 0; n < 200; n++) {
				const args = Array.from({ length: Math.floor(rng() * 4) }, () => pick(rng, junk));
				try {
					(fn as (...values: unknown[]) => unknown)(...args);
				} catch (error) {
					if (!(error instanceof OrderValidationError)) throw new Error(`${name}: ${String(error)}`);
				}
			}
		}
		for (const value of junk) expect(() => new OrderValidationError(value as never)).not.toThrow();
	});
});
