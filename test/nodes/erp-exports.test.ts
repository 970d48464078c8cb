/**
 * Issue 11 in the n8n engine against the sandbox: the German till export (test/fixtures/erp/kasse-de.csv)
 * through all four vendor nodes with ERP / POS Options on and no Column Names typed. Expected totals
 * are computed by hand from the file (the arithmetic is in test/mapping/erp-exports.test.ts):
 * BN-2026110001 = 1151.08, BN-2026110002 = 63.67, BN-2026110003 = 24.90 (its -1 line is a return).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import { parseCsv } from '../../mapping';
import { ODP_DEFAULT_IDENTIFIERS, startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { mainOutput, runVendorNode, sandboxCredentials } from './support';

/** ODP versions 1 and 1.1 send customer_id: an account where that identifier was created (a fresh one refuses it). */
const ODP_WITH_CUSTOMER_ID = [...ODP_DEFAULT_IDENTIFIERS, 'customer_id'];

const rows = parseCsv(readFileSync(join(__dirname, '..', 'fixtures', 'erp', 'kasse-de.csv'), 'utf8'), { delimiter: ';' }) as IDataObject[];

const source = {
	orderSource: 'flatRows',
	parsing: { decimalComma: true, dateFormat: 'dd.MM.yyyy HH:mm', timeZone: 'Europe/Berlin', defaultStatus: 'delivered' },
	erpOptions: { detectColumns: true, deriveAmounts: true, negativeQuantities: 'splitReturns' },
};

const TOTALS: Record<string, number> = { 'BN-2026110001': 1151.08, 'BN-2026110002': 63.67, 'BN-2026110003': 24.9 };

describe('German till export through the four vendor nodes (real engine, sandbox)', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ quiet: true, odp: { identifiers: ODP_WITH_CUSTOMER_ID } });
	});
	afterAll(async () => await sandbox.close());
	beforeEach(() => sandbox.reset());

	function checkOutput(output: IDataObject[]): void {
		expect(output).toHaveLength(rows.length);
		expect(output.map((o) => o.status)).toEqual(rows.map(() => 'sent'));
		for (const item of output) {
			expect(item.derived).toEqual(['subtotal', 'total']);
			expect((item.columnMapping as IDataObject).orderId).toBe('Belegnr');
			expect((item.columnMapping as IDataObject).unitPrice).toBe('Einzelpreis');
		}
		const returnItem = output.find((o) => o.orderId === 'BN-2026110003')!;
		expect(returnItem.returnedLines).toEqual([{ productId: '4713', name: 'Milchkännchen', quantity: 1, unitPrice: 12.5 }]);
	}

	it('Optimizely Recs: every order accepted with the hand-computed total', async () => {
		const result = await runVendorNode({
			node: 'optimizelyRecs',
			credential: sandboxCredentials(sandbox).optimizelyRecs,
			items: rows,
			parameters: { operation: 'trackOfflineOrder', ...source, options: {} },
		});
		expect(result.status).toBe('success');
		checkOutput(mainOutput(result));
		const bodies = sandbox.received('optimizely').map((r) => r.body as { order: { refCode?: string; orderNumber?: string; total: number } });
		expect(bodies).toHaveLength(3);
		expect(JSON.stringify(bodies)).not.toContain('"quantity":-');
		const totals = bodies.map((b) => b.order.total).sort((a, b) => a - b);
		expect(totals).toEqual([24.9, 63.67, 1151.08]);
	});

	it('Algonomy: receipt numbers become their digits, original id kept in the output', async () => {
		const result = await runVendorNode({
			node: 'algonomy',
			credential: sandboxCredentials(sandbox).algonomy,
			items: rows,
			parameters: { mode: 'offline', sendAs: 'batch', orderIdToNumber: 'digits', ...source, options: {} },
		});
		expect(result.status).toBe('success');
		const output = mainOutput(result);
		checkOutput(output);
		expect(output[0]).toMatchObject({ orderId: 'BN-2026110001', algonomyId: 2026110001 });
		const sent = sandbox.received('algonomy').filter((r) => r.operation !== 'token').flatMap((r) => (Array.isArray(r.body) ? r.body : [r.body])) as Array<{ id: number }>;
		expect(sent.map((o) => o.id).sort()).toEqual([2026110001, 2026110002, 2026110003]);
	});

	it('Dry Run shows the column mapping and the derived fields, and sends nothing', async () => {
		const result = await runVendorNode({
			node: 'optimizelyDataPlatform',
			credential: sandboxCredentials(sandbox).optimizelyDataPlatform,
			items: rows,
			parameters: { operation: 'sendOrderEvent', eventAction: 'purchase', ...source, options: { dryRun: true } },
		});
		expect(result.status).toBe('success');
		const output = mainOutput(result);
		expect(output.map((o) => o.status)).toEqual(rows.map(() => 'dryRun'));
		expect(output[0].columnMapping).toEqual({
			orderId: 'Belegnr',
			orderDate: 'Datum',
			customerId: 'Kundennr',
			email: 'E-Mail',
			productId: 'Artikelnr',
			productName: 'Bezeichnung',
			quantity: 'Menge',
			unitPrice: 'Einzelpreis',
			lineDiscount: 'Rabatt',
			currency: 'Währung',
			storeId: 'Filiale',
		});
		expect(output[0].derived).toEqual(['subtotal', 'total']);
		expect(sandbox.received('odp')).toHaveLength(0);
	});

	it('Algonomy: two receipt numbers with the same digits refuse the run, nothing sent', async () => {
		const clash = rows.map((row) => ({ ...row, Belegnr: row.Belegnr === 'BN-2026110002' ? 'BN2026-110001' : row.Belegnr }));
		const result = await runVendorNode({
			node: 'algonomy',
			credential: sandboxCredentials(sandbox).algonomy,
			items: clash,
			parameters: { mode: 'offline', sendAs: 'batch', orderIdToNumber: 'digits', ...source, options: {} },
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toContain('Order IDs "BN-2026110001" and "BN2026-110001" both become Algonomy id 2026110001');
		expect(sandbox.received('algonomy').filter((r) => r.operation !== 'token')).toHaveLength(0);
	});

	it('eSputnik (orders) and ODP (purchase events): every order accepted with the hand-computed total', async () => {
		const esputnik = await runVendorNode({
			node: 'esputnik',
			credential: sandboxCredentials(sandbox).esputnik,
			items: rows,
			parameters: { operation: 'addOrders', ...source, options: {} },
		});
		expect(esputnik.status).toBe('success');
		checkOutput(mainOutput(esputnik));
		const esputnikOrders = sandbox.received('esputnik').flatMap((r) => (r.body as { orders: Array<{ externalOrderId: string; totalCost: number }> }).orders);
		expect(Object.fromEntries(esputnikOrders.map((o) => [o.externalOrderId, o.totalCost]))).toEqual(TOTALS);

		const odp = await runVendorNode({
			node: 'optimizelyDataPlatform',
			credential: sandboxCredentials(sandbox).optimizelyDataPlatform,
			items: rows,
			parameters: { operation: 'sendOrderEvent', eventAction: 'purchase', ...source, options: {} },
		});
		expect(odp.status).toBe('success');
		checkOutput(mainOutput(odp));
		const events = sandbox.received('odp').flatMap((r) => r.body as Array<{ data: { order: { order_id: string; total: number } } }>);
		expect(Object.fromEntries(events.map((e) => [e.data.order.order_id, e.data.order.total]))).toEqual(TOTALS);
	});
});

/** The other two fixtures, each through all four vendor nodes; totals by hand in test/mapping/erp-exports.test.ts. */
const OTHERS: Array<{ file: string; delimiter: string; parsing: IDataObject; erp: IDataObject; totals: Record<string, number>; algonomyIds: number[] }> = [
	{
		file: 'pdv-fr.tsv',
		delimiter: '\t',
		parsing: { decimalComma: true, dateFormat: 'dd/MM/yyyy HH:mm', timeZone: 'Europe/Paris', defaultStatus: 'delivered' },
		erp: { detectColumns: true, deriveAmounts: true, pricesIncludeTax: false },
		// (1299.00 − 64.95) + 4 × 4.50 + 5.90 + 250.41 = 1508.36; 2 × 8.40 − 1.00 + 1.22 = 17.02
		totals: { 'POS/2026/0001': 1508.36, 'POS/2026/0002': 17.02 },
		algonomyIds: [20260001, 20260002],
	},
	{
		file: 'item-sales-en.csv',
		delimiter: ',',
		parsing: { dateFormat: 'yyyy-MM-dd HH:mm:ss', timeZone: 'America/New_York', defaultStatus: 'delivered' },
		erp: { detectColumns: true, deriveAmounts: true, negativeQuantities: 'splitReturns' },
		// 26.10 + 8.25 = 34.35; 45.00 (the -1 mug is a return)
		totals: { 'T-8f3kQ2': 34.35, 'T-9x1mZ7': 45 },
		algonomyIds: [832, 917],
	},
];

describe.each(OTHERS)('$file through the four vendor nodes (real engine, sandbox)', ({ file, delimiter, parsing, erp, totals, algonomyIds }) => {
	let sandbox: Sandbox;
	const items = parseCsv(readFileSync(join(__dirname, '..', 'fixtures', 'erp', file), 'utf8'), { delimiter }) as IDataObject[];
	const common = { orderSource: 'flatRows', parsing, erpOptions: erp, options: {} };
	beforeAll(async () => {
		sandbox = await startSandbox({ quiet: true, odp: { identifiers: ODP_WITH_CUSTOMER_ID } });
	});
	afterAll(async () => await sandbox.close());
	beforeEach(() => sandbox.reset());

	it('every order accepted by every vendor with the hand-computed total', async () => {
		const credentials = sandboxCredentials(sandbox);
		const runs = [
			await runVendorNode({ node: 'optimizelyRecs', credential: credentials.optimizelyRecs, items, parameters: { operation: 'trackOfflineOrder', ...common } }),
			await runVendorNode({ node: 'algonomy', credential: credentials.algonomy, items, parameters: { mode: 'offline', sendAs: 'batch', orderIdToNumber: 'digits', ...common } }),
			await runVendorNode({ node: 'esputnik', credential: credentials.esputnik, items, parameters: { operation: 'addOrders', ...common } }),
			await runVendorNode({ node: 'optimizelyDataPlatform', credential: credentials.optimizelyDataPlatform, items, parameters: { operation: 'sendOrderEvent', eventAction: 'purchase', ...common } }),
		];
		for (const run of runs) {
			expect(run.status).toBe('success');
			expect(mainOutput(run).map((o) => o.status)).toEqual(items.map(() => 'sent'));
		}
		const recs = sandbox.received('optimizely').map((r) => r.body as { order: { refCode: string; total: number } });
		expect(Object.fromEntries(recs.map((b) => [b.order.refCode, b.order.total]))).toEqual(totals);
		const algonomy = sandbox.received('algonomy').filter((r) => r.operation !== 'token').flatMap((r) => (Array.isArray(r.body) ? r.body : [r.body])) as Array<{ id: number }>;
		expect(algonomy.map((o) => o.id).sort((a, b) => a - b)).toEqual(algonomyIds);
		const esputnik = sandbox.received('esputnik').flatMap((r) => (r.body as { orders: Array<{ externalOrderId: string; totalCost: number }> }).orders);
		expect(Object.fromEntries(esputnik.map((o) => [o.externalOrderId, o.totalCost]))).toEqual(totals);
		const odp = sandbox.received('odp').flatMap((r) => r.body as Array<{ data: { order: { order_id: string; total: number } } }>);
		expect(Object.fromEntries(odp.map((e) => [e.data.order.order_id, e.data.order.total]))).toEqual(totals);
	});
});
