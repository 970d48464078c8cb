/**
 * Issue 11: ERP / POS exports as they really are. The files under test/fixtures/erp imitate three real
 * systems in three languages (see the README there). Every expected amount below is computed by hand
 * from the file, with the arithmetic in a comment, never with the library's own money code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLUMN_NAMES, detectFlatColumns, normalizeHeader, parseCsv, readFlatRows, type FlatRowGroup } from '../../mapping';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'erp', name), 'utf8');

function byId(groups: FlatRowGroup[]): Map<string, FlatRowGroup> {
	return new Map(groups.map((group) => [group.orderId, group]));
}

describe('German till export (BOM, ";", CRLF, 1.234,56, dd.MM.yyyy HH:mm, percent discounts, return line)', () => {
	const rows = parseCsv(fixture('kasse-de.csv'), { delimiter: ';' });
	const options = {
		detectColumns: true,
		deriveAmounts: true,
		splitReturns: true,
		decimalComma: true,
		dateFormat: 'dd.MM.yyyy HH:mm',
		timeZone: 'Europe/Berlin',
		defaultStatus: 'delivered' as const,
	};
	const groups = readFlatRows(rows, options);
	const orders = byId(groups);

	it('reads every receipt, rows of one receipt grouped even when interleaved', () => {
		expect(groups.map((g) => g.orderId)).toEqual(['BN-2026110001', 'BN-2026110002', 'BN-2026110003']);
		expect(groups.map((g) => g.error?.message)).toEqual([undefined, undefined, undefined]);
		expect(orders.get('BN-2026110002')!.rowIndexes).toEqual([2, 4]);
	});

	it('BN-2026110001: 10% of 1.234,56 and no total column', () => {
		const order = orders.get('BN-2026110001')!.order!;
		expect(order.dateTime).toBe('2026-11-03T09:15:00.000+01:00');
		expect(order.customer).toEqual({ id: 'K-1001', email: 'anna.schmidt@example.de' });
		expect(order.storeId).toBe('Berlin-Mitte');
		expect(order.lines[0].name).toBe('Siebträgermaschine; Edelstahl');
		expect(order.lines[1].name).toBe('Kaffeebohnen "Espresso" 1 kg');
		// 10% of 1 × 1234.56 = 123.456 → 123.46 (to the cent)
		expect(order.lines[0].discount).toBe(123.46);
		// (1234.56 − 123.46) + 2 × 19.99 = 1111.10 + 39.98 = 1151.08; gross prices, no shipping → total = subtotal
		expect(order.subtotal).toBe(1151.08);
		expect(order.total).toBe(1151.08);
		expect(orders.get('BN-2026110001')!.derived).toEqual(['subtotal', 'total']);
	});

	it('BN-2026110002: "10,5 %" discount, missing e-mail', () => {
		const order = orders.get('BN-2026110002')!.order!;
		expect(order.customer).toEqual({ id: 'K-1002' });
		// 10.5% of 3 × 19.99 = 10.5% of 59.97 = 6.29685 → 6.30
		expect(order.lines[0].discount).toBe(6.3);
		// (59.97 − 6.30) + (12.50 − 2.50) = 53.67 + 10.00 = 63.67
		expect(order.total).toBe(63.67);
	});

	it('BN-2026110003: the -1 line is a return, not a purchase, and is not dropped', () => {
		const group = orders.get('BN-2026110003')!;
		expect(group.order!.lines.map((l) => [l.productId, l.quantity])).toEqual([['4714', 1]]);
		expect(group.returnLines).toEqual([{ productId: '4713', name: 'Milchkännchen', quantity: 1, unitPrice: 12.5 }]);
		// purchase only: 1 × 24.90
		expect(group.order!.total).toBe(24.9);
	});

	it('without splitReturns the negative line refuses the order (old behaviour), the others pass', () => {
		const strict = byId(readFlatRows(rows, { ...options, splitReturns: false }));
		expect(strict.get('BN-2026110003')!.error!.message).toContain('rows[5].Menge: expected a positive number');
		expect(strict.get('BN-2026110001')!.order!.total).toBe(1151.08);
	});

	it('without deriveAmounts no total is invented (old behaviour)', () => {
		const plain = byId(readFlatRows(rows, { ...options, deriveAmounts: false, splitReturns: false }));
		expect(plain.get('BN-2026110001')!.order!.total).toBeUndefined();
		expect(plain.get('BN-2026110001')!.derived).toBeUndefined();
	});

	it('decimal comma off: the error says to switch it on', () => {
		const groupsNoComma = readFlatRows(rows, { ...options, decimalComma: false });
		expect(groupsNoComma[0].error!.message).toContain('rows[0].Einzelpreis');
		expect(groupsNoComma[0].error!.message).toContain('decimalComma option');
	});

	it('a wrong date format shows the format and the value', () => {
		const wrong = readFlatRows(rows, { ...options, dateFormat: 'yyyy-MM-dd HH:mm' });
		expect(wrong[0].error!.message).toContain('"yyyy-MM-dd HH:mm"');
		expect(wrong[0].error!.message).toContain('"03.11.2026 09:15"');
	});

	it('parsed with the wrong delimiter: parseCsv says the delimiter looks wrong', () => {
		expect(() => parseCsv(fixture('kasse-de.csv'), { delimiter: ',' })).toThrow('options.delimiter: the header is one column containing ";": the delimiter looks wrong');
	});

	it('rows split with the wrong delimiter elsewhere (one column): one error that says so', () => {
		// e.g. n8n's Extract From File with the default ",": every row is one cell named after the whole header line
		const [header, ...lines] = fixture('kasse-de.csv').replace(/^\ufeff/, '').trim().split('\r\n');
		const wrongRows = lines.map((line) => ({ [header]: line }));
		const result = readFlatRows(wrongRows, options);
		expect(result).toHaveLength(1);
		expect(result[0].rowIndexes).toEqual([0, 1, 2, 3, 4, 5]);
		expect(result[0].error!.message).toContain('wrong delimiter');
		expect(result[0].error!.message).toContain('"Belegnr;Datum;');
	});

	it('a required column missing from every row: one error with the columns the rows have and the closest match', () => {
		const result = readFlatRows(rows, { ...options, detectColumns: false, columns: { orderId: 'Bon-Nummer' } });
		expect(result).toHaveLength(1);
		const message = result[0].error!.message;
		expect(message).toContain('no row has the order id column "Bon-Nummer"');
		expect(message).toContain('"Belegnr", "Datum", "Kundennr"');
		expect(message).toContain('Closest match: "Belegnr"');
	});

	it('explicit column names win over detection', () => {
		const explicit = readFlatRows(rows, { ...options, columns: { storeId: 'Kundennr', customerId: 'Filiale' } });
		expect(explicit[0].order!.storeId).toBe('K-1001');
		expect(explicit[0].order!.customer.id).toBe('Berlin-Mitte');
	});
});

describe('French Odoo POS export (tab, 1 299,00, net prices with TVA, shipping, EUR and CHF)', () => {
	const rows = parseCsv(fixture('pdv-fr.tsv'), { delimiter: '\t' });
	const groups = readFlatRows(rows, {
		detectColumns: true,
		deriveAmounts: true,
		pricesIncludeTax: false,
		decimalComma: true,
		dateFormat: 'dd/MM/yyyy HH:mm',
		timeZone: 'Europe/Paris',
		defaultStatus: 'delivered',
	});
	const orders = byId(groups);

	it('reads both orders', () => {
		expect(groups.map((g) => [g.orderId, g.error?.message])).toEqual([
			['POS/2026/0001', undefined],
			['POS/2026/0002', undefined],
		]);
	});

	it('POS/2026/0001: total = subtotal + shipping + TVA', () => {
		const order = orders.get('POS/2026/0001')!.order!;
		expect(order.currency).toBe('EUR');
		expect(order.lines[0].name).toBe('Cafetière "Moka"');
		// 5 % of 1299.00 = 64.95
		expect(order.lines[0].discount).toBe(64.95);
		// (1299.00 − 64.95) + 4 × 4.50 = 1234.05 + 18.00 = 1252.05
		expect(order.subtotal).toBe(1252.05);
		// 1252.05 + 5.90 + 250.41 = 1508.36 (prices HT, so TVA is added)
		expect(order.total).toBe(1508.36);
		expect(order.shipping).toBe(5.9);
		expect(order.tax).toBe(250.41);
	});

	it('POS/2026/0002: CHF, no e-mail, quoted tab in the name', () => {
		const order = orders.get('POS/2026/0002')!.order!;
		expect(order.currency).toBe('CHF');
		expect(order.customer).toEqual({ id: 'CLI-02' });
		expect(order.lines[0].name).toBe('Thé vert\tbio');
		// 2 × 8.40 − 1.00 = 15.80; + TVA 1.22 = 17.02
		expect(order.total).toBe(17.02);
		expect(order.dateTime).toBe('2026-11-05T16:05:00.000+01:00');
	});
});

describe('Square item sales export (",", quoted commas, given line amounts, a refunded item)', () => {
	const rows = parseCsv(fixture('item-sales-en.csv'));
	const groups = readFlatRows(rows, {
		detectColumns: true,
		deriveAmounts: true,
		splitReturns: true,
		dateFormat: 'yyyy-MM-dd HH:mm:ss',
		timeZone: 'America/New_York',
		defaultStatus: 'delivered',
	});
	const orders = byId(groups);

	it('T-8f3kQ2: the given Net Sales are the line amounts', () => {
		const group = orders.get('T-8f3kQ2')!;
		expect(group.error).toBeUndefined();
		const order = group.order!;
		expect(order.dateTime).toBe('2026-11-05T18:42:10.000-05:00');
		expect(order.lines.map((l) => [l.productId, l.sku, l.name, l.category])).toEqual([
			['ITM-1', 'MUG-L', 'Mug, large', 'Drinkware'],
			['ITM-2', 'TEA-EG', 'Tea "Earl Grey"', 'Tea'],
		]);
		// 10% of 2 × 14.50 = 2.90
		expect(order.lines[0].discount).toBe(2.9);
		// 26.10 + 8.25 = 34.35
		expect(order.total).toBe(34.35);
		expect(order.storeId).toBe('Brooklyn');
	});

	it('T-9x1mZ7: the refunded mug is a return line with magnitudes', () => {
		const group = orders.get('T-9x1mZ7')!;
		expect(group.order!.customer).toEqual({ id: 'C-78' });
		// purchase: 1 × 45.00
		expect(group.order!.total).toBe(45);
		expect(group.returnLines).toEqual([
			{ productId: 'ITM-1', sku: 'MUG-L', name: 'Mug, large', category: 'Drinkware', quantity: 1, unitPrice: 14.5, discount: 0, subtotal: 14.5 },
		]);
	});
});

describe('column detection table', () => {
	it('names a field only once across the table (a name never means two fields)', () => {
		const seen = new Map<string, string>();
		for (const [key, names] of Object.entries(COLUMN_NAMES)) {
			for (const name of names) {
				const normalized = normalizeHeader(name);
				expect([normalized, seen.get(normalized) ?? key]).toEqual([normalized, key]);
				seen.set(normalized, key);
			}
		}
	});

	it('mapping/README.md lists every recognised name', () => {
		const readme = readFileSync(join(__dirname, '..', '..', 'mapping', 'README.md'), 'utf8');
		for (const [key, names] of Object.entries(COLUMN_NAMES)) {
			const row = readme.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
			expect([key, row === undefined ? [] : names.filter((name) => !row.includes(name.replace(/\|/g, '\\|')))]).toEqual([key, []]);
		}
	});

	it('recognises headers in seven languages', () => {
		const { columns } = detectFlatColumns(['Nr paragonu', 'Data', 'Ilość', 'Cena jednostkowa', 'Kod produktu']);
		expect(columns).toEqual({ orderId: 'Nr paragonu', orderDate: 'Data', quantity: 'Ilość', unitPrice: 'Cena jednostkowa', productId: 'Kod produktu' });
		expect(detectFlatColumns(['Número de pedido', 'Fecha', 'Cantidad']).columns).toEqual({ orderId: 'Número de pedido', orderDate: 'Fecha', quantity: 'Cantidad' });
		expect(detectFlatColumns(['Numero scontrino', 'Quantità', 'Prezzo unitario']).columns).toEqual({ orderId: 'Numero scontrino', quantity: 'Quantità', unitPrice: 'Prezzo unitario' });
		expect(detectFlatColumns(['Bonnummer', 'Aantal', 'Stukprijs', 'Korting']).columns).toEqual({ orderId: 'Bonnummer', quantity: 'Aantal', unitPrice: 'Stukprijs', lineDiscount: 'Korting' });
	});

	it('an ambiguous header is an error, never a guess', () => {
		expect(() => detectFlatColumns(['Belegnr', 'Datum', 'Belegdatum'])).toThrow('the headers "Datum" and "Belegdatum" both mean orderDate');
		// naming one explicitly resolves it
		expect(detectFlatColumns(['Belegnr', 'Datum', 'Belegdatum'], { orderDate: 'Belegdatum' }).columns.orderDate).toBe('Belegdatum');
	});
});

describe('order-level percent discount', () => {
	it('is a percentage of the subtotal', () => {
		const [group] = readFlatRows(
			[
				{ order_id: 'A1', order_date: '2026-11-03T10:00:00Z', status: 'paid', discount: '10%', product_id: 'p1', quantity: '2', unit_price: '7.45' },
				{ order_id: 'A1', order_date: '2026-11-03T10:00:00Z', status: 'paid', discount: '10%', product_id: 'p2', quantity: '1', unit_price: '5.00' },
			],
			{ deriveAmounts: true },
		);
		// subtotal 2 × 7.45 + 5.00 = 19.90; 10% = 1.99; total 19.90 − 1.99 = 17.91
		expect(group.order!.discount).toBe(1.99);
		expect(group.order!.total).toBe(17.91);
		expect(group.derived).toEqual(['discount', 'subtotal', 'total']);
	});

	it('given values win over derived ones', () => {
		const [group] = readFlatRows(
			[{ order_id: 'A2', order_date: '2026-11-03T10:00:00Z', status: 'paid', total: '99.00', subtotal: '50.00', product_id: 'p1', quantity: '1', unit_price: '50' }],
			{ deriveAmounts: true },
		);
		expect(group.order!.total).toBe(99);
		expect(group.order!.subtotal).toBe(50);
		expect(group.derived).toBeUndefined();
	});
});
