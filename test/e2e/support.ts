/**
 * Shared by the real-n8n end-to-end tests: the sample data of examples/data read with the mapping
 * library, and the payloads each vendor must receive from the example workflows. The nodes run
 * inside a real n8n; these expectations come from the same library run here, so a test compares
 * what went over the wire (through n8n's parameters, credentials, grouping, batching and
 * transport) with what the library says each order becomes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	parseCsv,
	readFlatRows,
	readShopifyOrder,
	readWooCommerceOrder,
	toAlgonomyOrder,
	toEsputnikContact,
	toEsputnikContactsRequest,
	toEsputnikOrder,
	toEsputnikOrderEvent,
	toOdpOrderEvent,
	toOptimizelyRecsOrder,
} from '../../mapping';
import type { CanonicalOrder, EsputnikContactsRequest } from '../../mapping';
import examples = require('../../scripts/lib/examples');

// A cold n8n install takes ~6 min on 2 cores (longer in CI without an npm cache); jest workers wait on its lock.
export const INSTALL_TIMEOUT_MS = 25 * 60 * 1000;
export const RUN_TIMEOUT_MS = 10 * 60 * 1000;

export const WORKFLOW_IDS = examples.WORKFLOW_IDS;

export function dataText(name: string): string {
	return fs.readFileSync(path.join(examples.DATA_DIR, name), 'utf8');
}

/** The refunds export names its date and amount columns differently; the example nodes map them. */
export const REFUND_COLUMNS = { orderDate: 'refund_date', total: 'refund_total' };

export interface ErpExport {
	rows: Record<string, string>[];
	/** Valid orders, in order of first appearance (the order the nodes batch them). */
	orders: CanonicalOrder[];
	/** Orders the library refuses, with the rows they span. */
	invalid: Array<{ orderId: string; rowIndexes: number[]; message: string }>;
}

export function erpExport(): ErpExport {
	const rows = parseCsv(dataText(examples.DATA_FILES.erpCsv));
	const groups = readFlatRows(rows, {});
	return {
		rows,
		orders: groups.filter((group) => group.order).map((group) => group.order as CanonicalOrder),
		invalid: groups
			.filter((group) => group.error)
			.map((group) => ({ orderId: group.orderId, rowIndexes: group.rowIndexes, message: String(group.error?.message) })),
	};
}

export function refundOrders(): CanonicalOrder[] {
	const groups = readFlatRows(parseCsv(dataText(examples.DATA_FILES.refundsCsv)), { columns: REFUND_COLUMNS });
	const failed = groups.filter((group) => group.error);
	if (failed.length) throw new Error(`refunds sample has invalid orders: ${failed.map((group) => group.error?.message).join('; ')}`);
	return groups.map((group) => group.order as CanonicalOrder);
}

export function shopifyOrder(): CanonicalOrder {
	return readShopifyOrder(JSON.parse(dataText(examples.DATA_FILES.shopifyBody)));
}

export function wooCommerceOrder(): CanonicalOrder {
	return readWooCommerceOrder(JSON.parse(dataText(examples.DATA_FILES.wooCommerceBody)));
}

/** Parameters of a vendor node in a shipped example, by node name. */
export function exampleParameters(key: keyof typeof WORKFLOW_IDS, nodeName: string): Record<string, unknown> {
	const example = examples.loadExamples().find((entry) => entry.key === key);
	const node = example?.workflow.nodes.find((entry) => entry.name === nodeName);
	if (!node) throw new Error(`no node "${nodeName}" in example ${key}`);
	return node.parameters;
}

/*
 * The examples are saved with each node's newest version (Optimizely Recs and Algonomy 1.1, eSputnik and
 * ODP 1.2). What that means for the payloads, each at the node's default:
 * - ODP 1.2 sends the identifiers chosen under Identifiers, e-mail and phone by default, and no
 *   customer_id (Customer ID Field is empty);
 * - eSputnik 1.1+ writes `date` as wall-clock time in Parsing Options › Time Zone, UTC by default;
 * - eSputnik 1.2 creates or updates each event's customer first (v1/contacts, found by the event's
 *   Contact Identifier, e-mail in the examples), then sends the event.
 */
const ODP_IDENTIFIERS = { identifiers: ['email', 'phone'] as Array<'email' | 'phone'> };
const ESPUTNIK_TIME_ZONE = 'UTC';

/** The v1/contacts body eSputnik 1.2 sends before the events of these orders (contacts found by e-mail). */
export function esputnikContactsFor(orders: CanonicalOrder[]): EsputnikContactsRequest {
	return toEsputnikContactsRequest(
		orders.map((order) => toEsputnikContact(order, { dedupeOn: 'email' })),
		{ dedupeOn: 'email' },
	);
}

/** A v1/contacts body with its contacts (and contact fields) in a fixed order, to compare bodies whatever order the node sent them in. */
export function sortedContactsRequest(body: unknown): unknown {
	const request = body as EsputnikContactsRequest;
	const emailOf = (contact: EsputnikContactsRequest['contacts'][number]) => contact.channels.find((channel) => channel.type === 'email')?.value ?? '';
	return {
		...request,
		contacts: [...request.contacts].sort((a, b) => emailOf(a).localeCompare(emailOf(b))),
		contactFields: [...request.contactFields].sort(),
	};
}

/** What the webhook examples send for one shop order (their four vendor nodes). */
export function webhookPayloads(order: CanonicalOrder) {
	return {
		// The webhook examples leave Language at the node's default, en-gb.
		optimizely: toOptimizelyRecsOrder(order, { lang: 'en-gb' }),
		algonomy: toAlgonomyOrder(order, {}),
		esputnikContacts: esputnikContactsFor([order]),
		esputnik: toEsputnikOrderEvent(order, { eventTypeKey: 'orderCreated', contactIdentifier: 'email', timeZone: ESPUTNIK_TIME_ZONE }),
		odp: toOdpOrderEvent(order, { action: 'purchase', ...ODP_IDENTIFIERS }),
	};
}

/** What the nightly ERP example sends for its valid orders. */
export function erpPayloads(orders: CanonicalOrder[]) {
	return {
		optimizely: orders.map((order) => toOptimizelyRecsOrder(order, { lang: 'de-de' })),
		algonomy: orders.map((order) => toAlgonomyOrder(order, {})),
		esputnik: { orders: orders.map((order) => toEsputnikOrder(order, { source: 'offline', timeZone: ESPUTNIK_TIME_ZONE })) },
		odp: orders.map((order) => toOdpOrderEvent(order, { action: 'purchase', ...ODP_IDENTIFIERS })),
	};
}

const ODP_ACTION: Record<string, string> = { cancelled: 'cancel', refunded: 'refund', returned: 'return' };

/** What the refunds example sends: ODP events per action, eSputnik orderCancelled (after the contacts) for cancellations. */
export function refundPayloads(orders: CanonicalOrder[]) {
	const byStatus = (status: string) => orders.filter((order) => order.status === status);
	const odp = (status: string) => byStatus(status).map((order) => toOdpOrderEvent(order, { action: ODP_ACTION[status], ...ODP_IDENTIFIERS }));
	return {
		odpCancel: odp('cancelled'),
		odpRefund: odp('refunded'),
		odpReturn: odp('returned'),
		esputnikContacts: esputnikContactsFor(byStatus('cancelled')),
		esputnikCancelled: byStatus('cancelled').map((order) =>
			toEsputnikOrderEvent(order, { eventTypeKey: 'orderCancelled', contactIdentifier: 'email', timeZone: ESPUTNIK_TIME_ZONE }),
		),
	};
}

/** The parts of a sandbox record the tests read (ReceivedRequest, or its JSON in the demo report). */
export interface RecordedRequest {
	seq: number;
	vendor: string;
	operation: string;
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	body: unknown;
	status: number;
	accepted: boolean;
	/** eSputnik v1/event: whether eSputnik saved the event (false: it answered 200 and dropped it, unknown contact). */
	saved?: boolean;
}

/** Counts of requests per "vendor.operation". */
export function countByOperation(requests: RecordedRequest[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const request of requests) {
		const key = `${request.vendor}.${request.operation}`;
		counts[key] = (counts[key] ?? 0) + 1;
	}
	return counts;
}

export function bodiesOf(requests: RecordedRequest[], vendor: string, operation: string): unknown[] {
	return requests.filter((request) => request.vendor === vendor && request.operation === operation).map((request) => request.body);
}

/** eSputnik v1/importstatus polls per import session id (the path's last segment). */
export function esputnikImportPolls(requests: RecordedRequest[]): Record<string, number> {
	const polls: Record<string, number> = {};
	for (const request of requests.filter((entry) => entry.vendor === 'esputnik' && entry.operation === 'importStatus')) {
		const sessionId = request.path.split('/').pop() as string;
		polls[sessionId] = (polls[sessionId] ?? 0) + 1;
	}
	return polls;
}

/** The ODP event arrays received, keyed by "action:order ids" so tests find each request whatever the order of arrival. */
export function odpEventBodies(requests: RecordedRequest[]): Array<Array<{ action: string; data: { order: { order_id: string } } }>> {
	return bodiesOf(requests, 'odp', 'events') as Array<Array<{ action: string; data: { order: { order_id: string } } }>>;
}

/** The secret values of the sandbox's demo credentials: none may appear in anything the demo prints. */
export function secretValues(credentials: {
	optimizely: { siteToken: string };
	algonomy: { clientSecret: string; apiKey: string };
	esputnik: { apiKey: string };
	odp: { apiKey: string };
}): string[] {
	return [
		credentials.optimizely.siteToken,
		credentials.algonomy.clientSecret,
		credentials.algonomy.apiKey,
		credentials.esputnik.apiKey,
		credentials.odp.apiKey,
	];
}

/** How often each value occurs. */
export function counts(values: string[]): Map<string, number> {
	const map = new Map<string, number>();
	for (const value of values) map.set(value, (map.get(value) ?? 0) + 1);
	return map;
}

/** The values that occur more than once (orders a vendor got twice). */
export function repeated(values: string[]): string[] {
	return [...counts(values)].filter(([, count]) => count > 1).map(([value]) => value);
}
