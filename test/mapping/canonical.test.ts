import {
	lineAmount,
	multiplyMoney,
	OrderValidationError,
	parseCanonicalOrder,
	roundMoney,
	subtractMoney,
	sumMoney,
	type CanonicalOrder,
} from '../../mapping';
import { issuesOf } from './helpers';

const base = {
	id: 'A-1',
	dateTime: '2022-04-25T14:30:00+09:00',
	status: 'created',
	customer: { id: 'c1' },
	lines: [{ productId: 'p1', quantity: 1, unitPrice: 10 }],
};

function withField(patch: Record<string, unknown>): unknown {
	return { ...base, ...patch };
}

function dateOf(value: unknown, options?: Parameters<typeof parseCanonicalOrder>[1]): string {
	return parseCanonicalOrder(withField({ dateTime: value }), options).dateTime;
}

describe('dates', () => {
	it.each([
		['2022-04-25T14:30:00+09:00', '2022-04-25T14:30:00.000+09:00'],
		['2022-04-25T14:30:00.123456-05:30', '2022-04-25T14:30:00.123-05:30'],
		['2022-04-25T14:30:00Z', '2022-04-25T14:30:00.000+00:00'],
		['2022-04-25 14:30', '2022-04-25T14:30:00.000+00:00'],
		['2022-04-25', '2022-04-25T00:00:00.000+00:00'],
		['2016-05-16T14:25:00 GMT', '2016-05-16T14:25:00.000+00:00'],
		['20220425', '2022-04-25T00:00:00.000+00:00'],
		['Mon, 25 Apr 2022 14:30:00 +0200', '2022-04-25T14:30:00.000+02:00'],
		['2022-W17-1T10:00:00Z', '2022-04-25T10:00:00.000+00:00'],
	])('reads %s', (input, expected) => {
		expect(dateOf(input)).toBe(expected);
	});

	it('tells epoch seconds from milliseconds by size, as numbers or digit text', () => {
		expect(dateOf(1650864600)).toBe('2022-04-25T05:30:00.000+00:00');
		expect(dateOf('1650864600')).toBe('2022-04-25T05:30:00.000+00:00');
		expect(dateOf(1650864600123)).toBe('2022-04-25T05:30:00.123+00:00');
		expect(dateOf('1650864600123')).toBe('2022-04-25T05:30:00.123+00:00');
	});

	it('uses the time zone for dates without offset (with DST), and keeps given offsets', () => {
		expect(dateOf('2022-01-10T09:00:00', { timeZone: 'Europe/Berlin' })).toBe('2022-01-10T09:00:00.000+01:00');
		expect(dateOf('2022-07-10T09:00:00', { timeZone: 'Europe/Berlin' })).toBe('2022-07-10T09:00:00.000+02:00');
		expect(dateOf('2022-07-10T09:00:00-04:00', { timeZone: 'Europe/Berlin' })).toBe('2022-07-10T09:00:00.000-04:00');
		expect(dateOf(1650864600, { timeZone: 'Asia/Tokyo' })).toBe('2022-04-25T14:30:00.000+09:00');
	});

	it('reads an ERP format with its zone', () => {
		expect(dateOf('22.11.2026 14:05', { dateFormat: 'dd.MM.yyyy HH:mm', timeZone: 'Europe/Berlin' })).toBe('2026-11-22T14:05:00.000+01:00');
		// ISO still works with a dateFormat set
		expect(dateOf('2026-11-22T14:05:00Z', { dateFormat: 'dd.MM.yyyy HH:mm' })).toBe('2026-11-22T14:05:00.000+00:00');
	});

	it.each([
		['2023-02-29T10:00:00Z', 'is not a real date (February 2023 has no day 29)'],
		['2024-02-30', 'is not a real date (February 2024 has no day 30)'],
		['2024-04-31T00:00:00Z', 'is not a real date (April 2024 has no day 31)'],
		['2024-13-01', 'is not a real date (month 13)'],
		['2024-01-01T24:00:00Z', 'is not a real time of day'],
		['2024-01-01T10:00:00+25:00', 'has an impossible UTC offset'],
		['yesterday', 'expected a date and time'],
		['', 'is required'],
		[Number.NaN, 'expected a date and time, got NaN'],
		[1e20, 'is out of range'],
		[{}, 'expected a date and time, got an object'],
	])('refuses %p', (input, message) => {
		const [issue] = issuesOf(() => parseCanonicalOrder(withField({ dateTime: input })));
		expect(issue.path).toBe('dateTime');
		expect(issue.message).toContain(message);
	});

	it('refuses Feb 30 in an ERP format without luxon wording', () => {
		const [issue] = issuesOf(() => parseCanonicalOrder(withField({ dateTime: '30.02.2026 14:05' }), { dateFormat: 'dd.MM.yyyy HH:mm' }));
		expect(issue.path).toBe('dateTime');
		expect(issue.message).not.toMatch(/luxon|specified|of type/);
	});
});

describe('money', () => {
	it('computes without float drift', () => {
		expect(0.1 + 0.2).not.toBe(0.3);
		expect(sumMoney([0.1, 0.2])).toBe(0.3);
		expect(multiplyMoney(3, 0.1)).toBe(0.3);
		expect(lineAmount(2, 0.1, 0.05)).toBe(0.15);
		expect(lineAmount(10, 256.678)).toBe(2566.78);
		expect(subtractMoney(1.15, 0.05)).toBe(1.1);
		expect(roundMoney(1.0000005)).toBe(1.000001);
		expect(roundMoney(-2.0000005)).toBe(-2.000001);
		expect(sumMoney([9_000_000_000.000001, 9_000_000_000])).toBeCloseTo(18_000_000_000, 3);
		expect(lineAmount(1000, 999_999_999.99)).toBe(999_999_999_990);
	});

	it('reads numbers and numeric text, keeps 6 decimals, rounds beyond', () => {
		const order = parseCanonicalOrder(withField({ total: '256.678', tax: ' 12 ', shipping: '0.1234567', discount: 0.30000000000000004 }));
		expect(order).toMatchObject({ total: 256.678, tax: 12, shipping: 0.123457, discount: 0.3 });
	});

	it('reads a decimal comma only when asked', () => {
		expect(parseCanonicalOrder(withField({ total: '1.234,50', tax: '12,5' }), { decimalComma: true })).toMatchObject({ total: 1234.5, tax: 12.5 });
		expect(issuesOf(() => parseCanonicalOrder(withField({ total: '12,50' })))).toEqual([
			{ path: 'total', message: 'expected an amount (a number, 0 or more), got "12,50" (a decimal comma is read only when the decimalComma option is on)' },
		]);
		expect(issuesOf(() => parseCanonicalOrder(withField({ total: '12.50' }), { decimalComma: true }))[0].message).toContain('write decimals with a comma');
	});

	it.each([
		[Number.NaN, 'got NaN'],
		[Number.POSITIVE_INFINITY, 'got Infinity'],
		['abc', 'got "abc"'],
		['1e3', 'got "1e3"'],
		[-5, 'expected an amount of 0 or more, got -5'],
		[1e13, 'is too large'],
		[true, 'got true'],
	])('refuses the amount %p', (value, message) => {
		const [issue] = issuesOf(() => parseCanonicalOrder(withField({ total: value })));
		expect(issue.path).toBe('total');
		expect(issue.message).toContain(message);
	});

	it('quantities are positive, discounts no larger than the line', () => {
		expect(issuesOf(() => parseCanonicalOrder(withField({ lines: [{ productId: 'p', quantity: 'two', unitPrice: 1 }] })))).toEqual([
			{ path: 'lines[0].quantity', message: 'expected a positive number, got "two"' },
		]);
		expect(issuesOf(() => parseCanonicalOrder(withField({ lines: [{ productId: 'p', quantity: 0, unitPrice: 1 }] })))[0].message).toBe('expected a positive number, got 0');
		expect(issuesOf(() => parseCanonicalOrder(withField({ lines: [{ productId: 'p', quantity: 2, unitPrice: 0.1, discount: 0.21 }] })))).toEqual([
			{ path: 'lines[0].discount', message: 'is larger than quantity × unitPrice (0.21 > 2 × 0.1)' },
		]);
		expect(parseCanonicalOrder(withField({ lines: [{ productId: 'p', quantity: '1.5', unitPrice: 2, discount: 3 }] })).lines[0]).toEqual({ productId: 'p', quantity: 1.5, unitPrice: 2, discount: 3 });
	});
});

describe('fields', () => {
	it('normalizes currency and refuses codes not on the ISO 4217 list', () => {
		expect(parseCanonicalOrder(withField({ currency: ' eur ' })).currency).toBe('EUR');
		expect(parseCanonicalOrder(withField({}), { defaultCurrency: 'gbp' }).currency).toBe('GBP');
		for (const code of ['XYZ', 'EURO', 'HRK', 'XXX', 'US']) {
			expect(issuesOf(() => parseCanonicalOrder(withField({ currency: code })))[0].path).toBe('currency');
		}
		expect(issuesOf(() => parseCanonicalOrder(base, { defaultCurrency: 'ABC' }))[0].path).toBe('options.defaultCurrency');
	});

	it.each([
		['paid', 'in_progress'],
		['Completed', 'delivered'],
		['canceled', 'cancelled'],
		['in progress', 'in_progress'],
		['IN-PROGRESS', 'in_progress'],
		['pending', 'created'],
		['refunded', 'refunded'],
		['returned', 'returned'],
		['fulfilled', 'delivered'],
	])('status %p → %p', (input, expected) => {
		expect(parseCanonicalOrder(withField({ status: input })).status).toBe(expected);
	});

	it('a missing status is an error unless defaultStatus is set', () => {
		expect(issuesOf(() => parseCanonicalOrder(withField({ status: undefined })))[0].path).toBe('status');
		expect(parseCanonicalOrder(withField({ status: '' }), { defaultStatus: 'delivered' }).status).toBe('delivered');
	});

	it('accepts numbers for ids, trims text, splits list text, drops blank optional fields', () => {
		const order = parseCanonicalOrder({
			...base,
			id: 1001,
			storeId: '  S1 ',
			regionId: '-1',
			segmentIds: '44, 55,3',
			couponCode: '',
			customer: { id: 42, email: ' a@b.co ', phone: null, billingAddress: { city: 'Oslo', street1: '' } },
		});
		expect(order).toMatchObject({ id: '1001', storeId: 'S1', regionId: -1, segmentIds: ['44', '55', '3'], customer: { id: '42', email: 'a@b.co', billingAddress: { city: 'Oslo' } } });
		expect(order).not.toHaveProperty('couponCode');
		expect(order.customer).not.toHaveProperty('phone');
	});

	it('caps string lengths', () => {
		const [issue] = issuesOf(() => parseCanonicalOrder(withField({ id: 'x'.repeat(1001) })));
		expect(issue).toEqual({ path: 'id', message: 'is too long (1001 characters; at most 1000)' });
	});

	it('copies only own attribute keys and refuses reserved ones', () => {
		const attributes = JSON.parse('{"store":"Regent St","floor":2,"vip":true,"note":null}') as Record<string, unknown>;
		const order = parseCanonicalOrder(withField({ attributes }));
		expect(order.attributes).toEqual({ store: 'Regent St', floor: 2, vip: true });
		const inherited = Object.create({ inherited: 'no' }) as Record<string, unknown>;
		inherited.own = 'yes';
		expect(parseCanonicalOrder(withField({ attributes: inherited })).attributes).toEqual({ own: 'yes' });
		const evil = JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}') as unknown;
		const issues = issuesOf(() => parseCanonicalOrder(withField({ attributes: evil })));
		expect(issues.map((issue) => issue.path)).toEqual(['attributes', 'attributes']);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('optionally rejects fields the model does not know', () => {
		expect(parseCanonicalOrder(withField({ shiping: 5 })).shipping).toBeUndefined();
		expect(issuesOf(() => parseCanonicalOrder(withField({ shiping: 5 }), { rejectUnknownFields: true }))).toEqual([{ path: 'shiping', message: 'is not a field of the order model' }]);
	});

	it('a sale needs lines; a refund may have none', () => {
		expect(issuesOf(() => parseCanonicalOrder(withField({ lines: [] })))).toEqual([{ path: 'lines', message: 'must have at least one line for a created order' }]);
		expect(parseCanonicalOrder(withField({ lines: [], status: 'refunded', total: 5 })).lines).toEqual([]);
	});

	it('reading a canonical order again gives the same order', () => {
		const once: CanonicalOrder = parseCanonicalOrder(withField({ total: '10', customer: { email: 'x@y.z' }, attributes: { a: 1 } }), { timeZone: 'Asia/Tokyo' });
		expect(parseCanonicalOrder(once)).toEqual(once);
	});
});

describe('errors', () => {
	it('lists every problem with paths and plain words, and caps the message', () => {
		const lines = Array.from({ length: 300 }, () => ({ productId: '', quantity: 'many', unitPrice: 'free' }));
		let caught: unknown;
		try {
			parseCanonicalOrder({ id: '', dateTime: 'soon', status: 'lost', lines });
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(OrderValidationError);
		const error = caught as OrderValidationError;
		expect(error.name).toBe('OrderValidationError');
		expect(error.issues).toHaveLength(3 + 300 * 3);
		expect(error.issues.slice(0, 4).map((issue) => issue.path)).toEqual(['id', 'dateTime', 'status', 'lines[0].productId']);
		expect(error.message.startsWith('id: is required; dateTime: expected a date and time')).toBe(true);
		expect(error.message.length).toBeLessThan(2100);
		expect(error.message).toMatch(/… and \d+ more problems$/);
	});

	it('the root path is "" and never a raw zod or luxon text', () => {
		expect(issuesOf(() => parseCanonicalOrder('order'))).toEqual([{ path: '', message: 'expected an order object, got "order"' }]);
		const optionIssues = issuesOf(() => parseCanonicalOrder(base, { decimalComma: 'yes' as unknown as boolean, timeZone: 5 as unknown as string }));
		expect(optionIssues).toEqual([
			{ path: 'options.timeZone', message: 'expected text, got a number' },
			{ path: 'options.decimalComma', message: 'expected true or false, got text' },
		]);
	});

	it('turns throwing getters into an OrderValidationError', () => {
		const hostile = { ...base };
		Object.defineProperty(hostile, 'total', { enumerable: true, get: () => { throw new TypeError('boom'); } });
		expect(issuesOf(() => parseCanonicalOrder(hostile))).toEqual([{ path: '', message: 'the input could not be read (it contains a value that fails when accessed)' }]);
	});
});
