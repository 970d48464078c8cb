import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import { EsputnikApi } from '../../credentials/EsputnikApi.credentials';
import { startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { installEngineDedupStore } from '../helpers/dedup-store';
import type { MemoryDedupStore } from '../helpers/dedup-store';
import { testCredential } from '../helpers/engine';
import { erpRows, mainOutput, runVendorNode, sandboxCredentials } from './support';

describe('eSputnik node in the n8n engine, against the sandbox', () => {
	let sandbox: Sandbox;
	let store: MemoryDedupStore;
	beforeAll(async () => {
		// Version 1.2 events use the sent-orders ledger, kept in n8n's deduplication store.
		store = await installEngineDedupStore();
		sandbox = await startSandbox({ quiet: true });
	});
	afterAll(async () => await sandbox.close());
	beforeEach(() => {
		sandbox.reset();
		store.reset();
	});

	it('sends orderCreated events with string params and the chosen contact identifier', async () => {
		const result = await runVendorNode({
			node: 'esputnik',
			credential: sandboxCredentials(sandbox).esputnik,
			items: erpRows(3, 2),
			parameters: { operation: 'sendOrderEvent', eventTypeKey: 'orderCreated', contactIdentifier: 'phone', orderSource: 'flatRows', options: {} },
		});
		expect(result.status).toBe('success');
		const events = sandbox.received('esputnik');
		expect(events).toHaveLength(3);
		// Version 1 sends the event only; these customers are unknown to eSputnik, which takes and drops them.
		expect(sandbox.esputnikEvents().ignored).toHaveLength(3);
		const body = events[0].body as { eventTypeKey: string; keyValue: string; params: Array<{ name: string; value: unknown }> };
		expect(body.eventTypeKey).toBe('orderCreated');
		expect(body.keyValue).toBe('+380501234567');
		expect(body.params.every((p) => typeof p.value === 'string')).toBe(true);
		const items = JSON.parse(String(body.params.find((p) => p.name === 'items')?.value));
		expect(items).toHaveLength(2);
		expect(events[0].headers.authorization).toBe('[redacted]');
	});

	it('adds orders in bulk, at most the batch size per request', async () => {
		const result = await runVendorNode({
			node: 'esputnik',
			credential: sandboxCredentials(sandbox).esputnik,
			items: erpRows(5, 1),
			parameters: { operation: 'addOrders', orderSource: 'flatRows', options: { batchSize: 2 } },
		});
		expect(result.status).toBe('success');
		expect(sandbox.received('esputnik').map((r) => (r.body as { orders: unknown[] }).orders.length)).toEqual([2, 2, 1]);
		expect(mainOutput(result).every((o) => o.status === 'sent')).toBe(true);
	});

	it('sends a productViewed site event', async () => {
		const result = await runVendorNode({
			node: 'esputnik',
			credential: sandboxCredentials(sandbox).esputnik,
			items: [{ email: 'example@email.com', sku: 'WS01-L-Green' }],
			parameters: { resource: 'siteEvent', operation: 'sendSiteEvent', siteEventType: 'productViewed', email: '={{ $json.email }}', productId: '={{ $json.sku }}', price: 45.5, currencyCode: 'USD', options: {} },
		});
		expect(result.status).toBe('success');
		const body = sandbox.received('esputnik')[0].body as { eventTypeKey: string; params: Array<{ name: string; value: string }> };
		expect(body.eventTypeKey).toBe('productViewed');
		const product = JSON.parse(body.params.find((p) => p.name === 'product')?.value ?? '{}');
		expect(product.productId).toBe('WS01-L-Green');
	});

	it('Contact resource: one contact per customer, batched, deduplicated, and the import awaited', async () => {
		// 3 orders; orders 1000 and 1002 share an e-mail (other case), so 2 contacts are sent.
		const rows = erpRows(3, 1).map((row, index) => (index === 2 ? { ...row, email: 'CUSTOMER.1000@example.com' } : row));
		const result = await runVendorNode({
			node: 'esputnik',
			typeVersion: 1.2,
			credential: sandboxCredentials(sandbox).esputnik,
			items: rows,
			parameters: { resource: 'contact', operation: 'upsertContacts', contactDedupeOn: 'email', groupNames: 'Customers', orderSource: 'flatRows', options: { batchSize: 1 } },
		});
		expect(result.status).toBe('success');
		const posts = sandbox.received('esputnik').filter((r) => r.operation === 'contacts');
		expect(posts).toHaveLength(2);
		const body = posts[0].body as { contacts: Array<{ channels: unknown[]; firstName: string }>; dedupeOn: string; groupNames: string[]; contactFields: string[] };
		expect(body.dedupeOn).toBe('email');
		expect(body.groupNames).toEqual(['Customers']);
		expect(body.contacts).toEqual([{ firstName: 'Olena', lastName: 'Shevchenko', channels: [{ type: 'email', value: 'Customer.1000@Example.com' }, { type: 'sms', value: '+380501234567' }] }]);
		expect(body.contactFields).toEqual(['firstName', 'lastName', 'email', 'sms']);
		expect(sandbox.all('esputnik').some((r) => r.operation === 'importStatus')).toBe(true);
		expect(sandbox.esputnikContacts().map((c) => c.email).sort()).toEqual(['Customer.1000@Example.com', 'Customer.1001@Example.com']);
		const output = mainOutput(result);
		expect(output.map((o) => o.status)).toEqual(['sent', 'sent', 'skipped']);
		expect(output[0].import).toEqual({ sessionId: expect.any(String), status: 'FINISHED' });
		expect(String(output[2].message)).toContain('same contact as input item 0');
	});

	it('Contact resource: an import that does not finish in time fails clearly', async () => {
		const slow = await startSandbox({ quiet: true, esputnik: { importDelayMs: 60_000 } });
		try {
			const result = await runVendorNode({
				node: 'esputnik',
				typeVersion: 1.2,
				credential: sandboxCredentials(slow).esputnik,
				items: erpRows(1, 1),
				onError: 'continueRegularOutput',
				parameters: { resource: 'contact', operation: 'upsertContacts', contactDedupeOn: 'phone', contactImportWait: 1, orderSource: 'flatRows', options: {} },
			});
			const [item] = mainOutput(result);
			expect(String(item.error)).toContain('had not finished importing the contact');
			expect(String(item.error)).toContain('IMPORTING');
			expect(slow.esputnikContacts()).toEqual([]);
		} finally {
			await slow.close();
		}
	});

	it('1.2 creates the contact first: a new customer\'s order event is saved, not only accepted', async () => {
		const result = await runVendorNode({
			node: 'esputnik',
			typeVersion: 1.2,
			credential: sandboxCredentials(sandbox).esputnik,
			items: erpRows(2, 1),
			parameters: { resource: 'order', operation: 'sendOrderEvent', eventTypeKey: 'orderCreated', contactIdentifier: 'email', orderSource: 'flatRows', options: {} },
		});
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		const requests = sandbox.all('esputnik');
		const firstEvent = requests.findIndex((r) => r.operation === 'event');
		const lastStatus = requests.map((r) => r.operation).lastIndexOf('importStatus');
		// One v1/contacts request with both customers, the import awaited, then the events.
		expect(requests.filter((r) => r.operation === 'contacts')).toHaveLength(1);
		expect((requests.find((r) => r.operation === 'contacts')?.body as { contacts: unknown[] }).contacts).toHaveLength(2);
		expect(lastStatus).toBeGreaterThan(-1);
		expect(lastStatus).toBeLessThan(firstEvent);
		const { saved, ignored } = sandbox.esputnikEvents();
		expect(saved).toHaveLength(2);
		expect(ignored).toHaveLength(0);
	});

	it('a Shopify order of a customer eSputnik has never seen: 1.2 creates the contact, and the event is saved', async () => {
		const body = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'webhooks', 'shopify-orders-create-taxes-excluded.json'), 'utf8')) as IDataObject;
		const customerEmail = String(body.email);
		expect(sandbox.esputnikContacts()).toEqual([]);
		const result = await runVendorNode({
			node: 'esputnik',
			typeVersion: 1.2,
			credential: sandboxCredentials(sandbox).esputnik,
			items: [{ body }],
			parameters: { resource: 'order', operation: 'sendOrderEvent', eventTypeKey: 'orderCreated', contactIdentifier: 'email', orderSource: 'shopify', options: {} },
		});
		expect(result.error).toBeUndefined();
		expect(sandbox.esputnikContacts().map((contact) => contact.email)).toEqual([customerEmail]);
		const { saved, ignored } = sandbox.esputnikEvents();
		expect(ignored).toHaveLength(0);
		expect(saved).toHaveLength(1);
		expect((saved[0].body as { keyValue: string }).keyValue).toBe(customerEmail);
	});

	it('versions 1 and 1.1 keep sending the event only: eSputnik takes it (200) and ignores it for an unknown contact', async () => {
		for (const typeVersion of [1, 1.1]) {
			sandbox.reset();
			const result = await runVendorNode({
				node: 'esputnik',
				typeVersion,
				credential: sandboxCredentials(sandbox).esputnik,
				items: erpRows(1, 1),
				parameters: { resource: 'order', operation: 'sendOrderEvent', eventTypeKey: 'orderCreated', contactIdentifier: 'email', orderSource: 'flatRows', options: {} },
			});
			expect(result.status).toBe('success');
			expect(sandbox.all('esputnik').map((r) => r.operation)).toEqual(['event']);
			expect(sandbox.esputnikEvents().saved).toHaveLength(0);
			expect(sandbox.esputnikEvents().ignored).toHaveLength(1);
		}
	});

	it('an event whose contact is not imported in time is not sent', async () => {
		const slow = await startSandbox({ quiet: true, esputnik: { importDelayMs: 60_000 } });
		try {
			const result = await runVendorNode({
				node: 'esputnik',
				typeVersion: 1.2,
				credential: sandboxCredentials(slow).esputnik,
				items: erpRows(1, 1),
				onError: 'continueRegularOutput',
				parameters: { resource: 'order', operation: 'sendOrderEvent', eventTypeKey: 'orderCreated', contactIdentifier: 'phone', contactImportWait: 1, orderSource: 'flatRows', options: {} },
			});
			const [item] = mainOutput(result);
			expect(String(item.error)).toContain('its contact does not exist in eSputnik');
			expect(slow.all('esputnik').filter((r) => r.operation === 'event')).toHaveLength(0);
		} finally {
			await slow.close();
		}
	});

	it('credential test passes with the right key and fails with a wrong one', async () => {
		const data = sandboxCredentials(sandbox).esputnik.data;
		expect((await testCredential(EsputnikApi, { ...data })).status).toBe('OK');
		expect((await testCredential(EsputnikApi, { ...data, apiKey: 'wrong' })).status).toBe('Error');
	});
});
