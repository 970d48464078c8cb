/**
 * PII: Algonomy never receives a plain e-mail address, only emailHash = SHA-256 of the trimmed,
 * lower-cased address. E-mails in every form (upper case, spaces, tabs, plus-addressing, unicode)
 * through every order source and both send modes; an e-mail put where an id is expected is refused,
 * not sent. Every body the sandbox received, refused ones included, is scanned.
 * (The 10,000-order fault run scans its own Algonomy traffic the same way: faults.test.ts.)
 */
import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { erpRows, sandboxCredentials } from '../nodes/support';
import { TEMPLATES } from './malformed';
import { outputsOf, pairingFigures, printTable, runNode } from './support';

const EMAILS = [
	'Jane.Doe@Example.COM',
	'  jane.doe@example.com  ',
	'JANE.DOE@EXAMPLE.COM',
	'\tjohn.smith@example.org\n',
	'john.smith+promo@Example.org',
	'Olena.Shevchenko@Приклад.укр',
	'jürgen.müller@beispiel.de',
	"o'brien@example.ie",
];

const hashOf = (email: string) => createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest('hex');

/** Every spelling of the addresses that must not leave: as given, trimmed, lower and upper case, URL-encoded. */
function plainForms(): string[] {
	const forms = new Set<string>();
	for (const email of EMAILS) {
		for (const variant of [email, email.trim(), email.trim().toLowerCase(), email.trim().toUpperCase()]) {
			forms.add(variant);
			forms.add(encodeURIComponent(variant));
			forms.add(variant.split('@')[0] + '@');
		}
	}
	return [...forms].filter((form) => form.trim().length > 3);
}

interface PiiSource {
	label: string;
	parameters: IDataObject;
	items(ids: number[]): IDataObject[];
}

const SOURCES: PiiSource[] = [
	{
		label: 'ERP rows (email column)',
		parameters: { orderSource: 'flatRows' },
		items: (ids) => ids.flatMap((id, index) => erpRows(1, 2, id).map((row) => ({ ...row, email: EMAILS[index % EMAILS.length] }))),
	},
	{
		label: 'order model (customer.email)',
		parameters: { orderSource: 'canonical' },
		items: (ids) =>
			ids.map((id, index) => {
				const order = TEMPLATES.canonical();
				return { ...order, id: String(id), customer: { ...(order.customer as IDataObject), email: EMAILS[index % EMAILS.length] } };
			}),
	},
	{
		label: 'Shopify webhook (email, contact_email, customer.email)',
		parameters: { orderSource: 'shopify' },
		items: (ids) =>
			ids.map((id, index) => {
				const body = TEMPLATES.shopify();
				const email = EMAILS[index % EMAILS.length];
				body.id = id;
				body.admin_graphql_api_id = `gid://shopify/Order/${id}`;
				body.email = email;
				body.contact_email = email;
				(body.customer as IDataObject).email = email;
				return { body };
			}),
	},
	{
		label: 'WooCommerce webhook (billing.email)',
		parameters: { orderSource: 'wooCommerce' },
		items: (ids) =>
			ids.map((id, index) => {
				const body = TEMPLATES.wooCommerce();
				body.id = id;
				body.number = String(id);
				(body.billing as IDataObject).email = EMAILS[index % EMAILS.length];
				return { body };
			}),
	},
	{
		label: 'fields defined with expressions (orderFields.email)',
		parameters: {
			orderSource: 'fields',
			orderId: '={{ $json.id }}',
			orderDate: '={{ $json.dateTime }}',
			lines: '={{ $json.lines }}',
			orderFields: { email: '={{ $json.email }}', customerId: '={{ $json.customerId }}' },
		},
		items: (ids) =>
			ids.map((id, index) => ({ ...TEMPLATES.canonical(), id: String(id), customerId: `cust-${id}`, email: EMAILS[index % EMAILS.length] })),
	},
];

describe('PII: no plain e-mail address ever reaches Algonomy', () => {
	let sandbox: Sandbox;
	const figures: Array<Record<string, string | number>> = [];
	const forms = plainForms();

	beforeAll(async () => {
		sandbox = await startSandbox({ quiet: true });
	});
	afterAll(async () => {
		await sandbox?.close();
		printTable(`PII: e-mails in ${EMAILS.length} spellings (case, spaces, tabs, plus-addressing, unicode) through every source into Algonomy`, figures);
	});

	SOURCES.forEach((source, sourceIndex) => {
		for (const sendAs of ['batch', 'single'] as const) {
			it(`${source.label}, ${sendAs === 'batch' ? 'POST batches' : 'PUT one by one'}: only emailHash, SHA-256 of trim + lower case`, async () => {
				sandbox.reset();
				const ids = Array.from({ length: 16 }, (_, index) => 600_000 + sourceIndex * 1000 + (sendAs === 'batch' ? 0 : 500) + index);
				const items = source.items(ids);
				const result = await runNode({
					node: 'algonomy',
					credential: sandboxCredentials(sandbox).algonomy,
					items,
					onError: 'continueErrorOutput',
					parameters: { mode: 'offline', sendAs, ...source.parameters, options: { batchSize: 5 } },
				});
				expect(result.status).toBe('success');
				expect(pairingFigures(result, items.length).missing).toBe(0);
				const { error } = outputsOf(result);
				expect(error.map((item) => item.json.error)).toEqual([]);

				const records = sandbox.all('algonomy');
				const bodies = records.map((record) => JSON.stringify(record.body) + JSON.stringify(record.query) + record.path);
				const withAt = bodies.filter((body) => body.includes('@') || body.includes('%40')).length;
				const plainFound = forms.filter((form) => bodies.some((body) => body.includes(form)));
				const orders = records
					.filter((record) => record.operation !== 'token')
					.flatMap((record) => (Array.isArray(record.body) ? record.body : [record.body]) as Array<{ id: number; emailHash?: string }>);
				const expected = new Map(ids.map((id, index) => [id, hashOf(EMAILS[index % EMAILS.length])]));
				const wrongHash = orders.filter((order) => order.emailHash !== expected.get(order.id));
				figures.push({
					source: source.label,
					'send as': sendAs === 'batch' ? 'POST batches of 5' : 'PUT one by one',
					orders: ids.length,
					'requests scanned': records.length,
					'bodies with "@" or "%40"': withAt,
					'plain e-mail spellings found': plainFound.length,
					'emailHash ≠ SHA-256(trim(lower))': wrongHash.length,
				});
				expect(orders.length).toBeGreaterThanOrEqual(ids.length);
				expect(withAt).toBe(0);
				expect(plainFound).toEqual([]);
				expect(wrongHash.map((order) => order.id)).toEqual([]);
			});
		}
	});

	it('an e-mail where an id or code is expected is refused with its field path, not sent', async () => {
		sandbox.reset();
		const rows = erpRows(4, 1, 610_000);
		rows[0] = { ...rows[0], customer_id: ' Jane.Doe@Example.COM ' };
		rows[1] = { ...rows[1], store_id: 'JANE.DOE@EXAMPLE.COM' };
		rows[2] = { ...rows[2], sku: 'jane.doe@example.com' };
		const result = await runNode({
			node: 'algonomy',
			credential: sandboxCredentials(sandbox).algonomy,
			items: rows,
			onError: 'continueErrorOutput',
			parameters: { mode: 'offline', sendAs: 'batch', orderSource: 'flatRows', options: {} },
		});
		expect(result.status).toBe('success');
		const { main, error } = outputsOf(result);
		expect(main.map((item) => item.json.orderId)).toEqual(['610003']);
		const paths = error.map((item) => ((item.json.details as { issues: Array<{ path: string }> }).issues ?? []).map((issue) => issue.path).join(','));
		expect(paths).toEqual(['customer.id', 'storeId', 'lines[0].sku']);
		const bodies = JSON.stringify(sandbox.all('algonomy').map((record) => record.body));
		expect(bodies).not.toMatch(/@/);
		figures.push({
			source: 'ERP rows with an e-mail as customer id, store id, SKU',
			'send as': 'POST batches',
			orders: 4,
			'requests scanned': sandbox.all('algonomy').length,
			'bodies with "@" or "%40"': bodies.includes('@') ? 1 : 0,
			'plain e-mail spellings found': 0,
			'emailHash ≠ SHA-256(trim(lower))': `refused: ${paths.join(', ')}`,
		});
	});
});
