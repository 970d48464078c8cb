'use strict';
/**
 * Reads what happened in a demo run: per vendor node of each executed example workflow (orders read,
 * sent, batches, what went to the error output) and what the vendor sandbox received (requests per
 * vendor and operation, one sample payload per vendor with secrets redacted). Node built-ins only.
 */
const examples = require('./examples');

/** Sandbox operations that carry order data (the others are token fetches and credential checks). */
const DATA_OPERATIONS = {
	optimizely: ['offlineOrder', 'cancelOrder'],
	algonomy: ['importOrder', 'importOrders'],
	esputnik: ['event', 'orders', 'contacts'],
	odp: ['events', 'ordersObject'],
};

const VENDOR_LABELS = {
	optimizely: 'Optimizely Product Recommendations',
	algonomy: 'Algonomy Omnichannel',
	esputnik: 'eSputnik',
	odp: 'Optimizely Data Platform',
};

function lastRun(execution, nodeName) {
	const runs = execution.run?.data?.resultData?.runData?.[nodeName];
	return runs && runs.length ? runs[runs.length - 1] : undefined;
}

/**
 * What one of our vendor nodes did in an execution. Output 0 holds sent (or dry-run/skipped) items,
 * output 1 the error items n8n routed there ("On Error: Continue (using error output)").
 */
function summarizeVendorNode(execution, vendorNode) {
	const run = lastRun(execution, vendorNode.name);
	const summary = {
		node: vendorNode.name,
		vendor: vendorNode.vendor,
		ran: Boolean(run),
		nodeError: run?.error?.message,
		operation: undefined,
		items: 0,
		orders: 0,
		sent: 0,
		skipped: 0,
		batches: 0,
		attempts: 0,
		errorItems: 0,
		errorOrders: [],
	};
	if (!run || run.error) return summary;
	const sentItems = (run.data?.main?.[0] ?? []).map((item) => item.json);
	const errorItems = (run.data?.main?.[1] ?? []).map((item) => item.json);
	const orders = new Set();
	const sentOrders = new Set();
	const skippedOrders = new Set();
	const batches = new Set();
	const seenUnits = new Set();
	for (const json of sentItems) {
		summary.operation ??= json.operation;
		orders.add(json.orderId);
		if (json.status === 'sent') sentOrders.add(json.orderId);
		if (json.status === 'skipped') skippedOrders.add(json.orderId);
		if (json.batch) batches.add(json.batch.number);
		// Rows of one order repeat the order's result: count its attempts once.
		const unit = `${json.orderId}/${json.batch?.number}`;
		if (!seenUnits.has(unit)) {
			seenUnits.add(unit);
			summary.attempts += json.attempts ?? 0;
		}
	}
	const errorsByOrder = new Map();
	for (const json of errorItems) {
		const details = json.details ?? {};
		summary.operation ??= details.operation;
		const orderId = details.orderId ?? '';
		orders.add(orderId);
		if (!errorsByOrder.has(orderId)) {
			errorsByOrder.set(orderId, { orderId, items: 0, kind: failureKind(details), message: String(json.error ?? details.message ?? 'failed'), httpStatus: details.httpStatus });
		}
		errorsByOrder.get(orderId).items += 1;
	}
	summary.items = sentItems.length + errorItems.length;
	summary.orders = orders.size;
	summary.sent = sentOrders.size;
	summary.skipped = skippedOrders.size;
	summary.batches = batches.size;
	summary.errorItems = errorItems.length;
	summary.errorOrders = [...errorsByOrder.values()];
	return summary;
}

/**
 * 'validation' when the order could not be read or mapped (the node lists the issues), 'vendor' when
 * it was sent and refused or the request failed, or when the whole node failed.
 */
function failureKind(details) {
	if (details.kind) return details.kind;
	return Array.isArray(details.issues) && details.issues.length > 0 ? 'validation' : 'vendor';
}

/** Per example: the workflow's result and its vendor nodes' summaries. */
function summarizeExample(example, execution) {
	return {
		key: example.key,
		file: example.file,
		workflowId: example.workflow.id,
		name: example.workflow.name,
		ok: execution.ok,
		exitCode: execution.exitCode,
		error: execution.error?.message,
		durationMs: execution.durationMs,
		vendorNodes: examples.vendorNodesOf(example.workflow).map((vendorNode) => summarizeVendorNode(execution, vendorNode)),
	};
}

/** Number of orders/events/records one request body carries. */
function recordsIn(body) {
	if (Array.isArray(body)) return body.length;
	if (body && typeof body === 'object' && Array.isArray(body.orders)) return body.orders.length;
	if (body && typeof body === 'object' && Array.isArray(body.contacts)) return body.contacts.length;
	return 1;
}

/** Replaces every secret value found in any string of `value`. */
function redact(value, secrets) {
	if (typeof value === 'string') {
		let text = value;
		for (const secret of secrets) text = text.split(secret).join('[redacted]');
		return text;
	}
	if (Array.isArray(value)) return value.map((entry) => redact(entry, secrets));
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, redact(entry, secrets)]));
	}
	return value;
}

/**
 * What the sandbox saw, per vendor: every request by operation (accepted / refused, records carried)
 * and one sample data request (the first accepted one), secrets redacted.
 */
function summarizeSandbox(sandbox, secrets = examples.sandboxSecrets(sandbox)) {
	const vendors = {};
	for (const vendor of Object.keys(DATA_OPERATIONS)) {
		const all = sandbox.all(vendor);
		const byOperation = {};
		for (const request of all) {
			const entry = (byOperation[request.operation] ??= { requests: 0, accepted: 0, refused: 0, records: 0 });
			entry.requests += 1;
			if (request.accepted) {
				entry.accepted += 1;
				entry.records += DATA_OPERATIONS[vendor].includes(request.operation) ? recordsIn(request.body) : 0;
			} else entry.refused += 1;
		}
		const sample = all.find((request) => request.accepted && DATA_OPERATIONS[vendor].includes(request.operation));
		vendors[vendor] = {
			requests: all.length,
			accepted: all.filter((request) => request.accepted).length,
			byOperation,
			sample: sample && redact(
				{
					method: sample.method,
					path: sample.path,
					query: sample.query,
					headers: pickAuthHeaders(sample.headers),
					records: recordsIn(sample.body),
					body: sample.body,
				},
				secrets,
			),
		};
	}
	return { url: sandbox.url, unmatched: sandbox.stats().unmatched, vendors, esputnikEvents: esputnikEventsOf(sandbox) };
}

/**
 * eSputnik answers 200 to every well-formed v1/event, also when it drops the event because no contact
 * has the event's e-mail or phone: what it saved, as the sandbox decides it like the vendor
 * (GET /_sandbox/esputnik/events). `ignored` lists why each dropped event was dropped.
 */
function esputnikEventsOf(sandbox) {
	const { saved, ignored } = sandbox.esputnikEvents();
	return {
		saved: saved.length,
		ignored: ignored.length,
		ignoredNotes: ignored.map((record) => record.note ?? 'not saved'),
	};
}

/** The headers that carry credentials (the sandbox records them already redacted). */
function pickAuthHeaders(headers) {
	const picked = {};
	for (const name of ['authorization', 'x-api-key', 'site', 'sitetoken', 'channel']) {
		if (headers[name] !== undefined) picked[name] = headers[name];
	}
	return picked;
}

/**
 * Problems that make the demo fail: a workflow that did not finish, a vendor node that did not run
 * or stopped, an order a vendor refused (the nodes and the sandbox disagree), a vendor that got
 * nothing. Orders the mapping library refused (bad input) are expected: they are reported, not failed.
 */
function findProblems(exampleSummaries, sandboxSummary) {
	const problems = [];
	for (const example of exampleSummaries) {
		if (!example.ok) problems.push(`${example.file}: the workflow failed (exit ${example.exitCode}): ${example.error ?? 'no error message'}`);
		for (const vendorNode of example.vendorNodes) {
			if (!vendorNode.ran) problems.push(`${example.file}: node "${vendorNode.node}" did not run`);
			else if (vendorNode.nodeError) problems.push(`${example.file}: node "${vendorNode.node}" stopped: ${vendorNode.nodeError}`);
			for (const failure of vendorNode.errorOrders) {
				if (failure.kind !== 'validation') {
					problems.push(`${example.file}: "${vendorNode.node}" order ${failure.orderId || '(no id)'} was refused: ${failure.message}`);
				}
			}
		}
	}
	for (const [vendor, summary] of Object.entries(sandboxSummary.vendors)) {
		if (!summary.sample) problems.push(`the sandbox received no accepted ${VENDOR_LABELS[vendor]} data request`);
	}
	if (sandboxSummary.unmatched > 0) problems.push(`the sandbox got ${sandboxSummary.unmatched} request(s) to unknown paths`);
	const events = sandboxSummary.esputnikEvents;
	if (events && events.ignored > 0) {
		problems.push(`eSputnik answered 200 to ${plural(events.ignored, 'event')} and did not save them: ${[...new Set(events.ignoredNotes)].join('; ')}`);
	}
	return problems;
}

// ---------------------------------------------------------------------------------------------
// Text

function pad(text, width) {
	const value = String(text);
	return value.length >= width ? value : value + ' '.repeat(width - value.length);
}

function padLeft(text, width) {
	const value = String(text);
	return value.length >= width ? value : ' '.repeat(width - value.length) + value;
}

function plural(count, word) {
	return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function shorten(text, length = 110) {
	const flat = String(text).replace(/\s+/g, ' ');
	return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

function formatExample(example, index) {
	const lines = [];
	lines.push(`${index + 1}. ${example.name}  (examples/${example.file}, ${(example.durationMs / 1000).toFixed(1)} s)`);
	if (!example.ok) lines.push(`   WORKFLOW FAILED: ${example.error ?? `exit ${example.exitCode}`}`);
	lines.push(`   ${pad('node', 34)}${pad('operation', 34)}${padLeft('orders', 7)}${padLeft('sent', 6)}${padLeft('batches', 9)}  error output`);
	for (const node of example.vendorNodes) {
		const errors = node.errorOrders.length === 0 ? '-' : `${plural(node.errorOrders.length, 'order')} (${plural(node.errorItems, 'item')})`;
		const skipped = node.skipped ? ` (+${node.skipped} skipped)` : '';
		lines.push(
			`   ${pad(node.node, 34)}${pad(node.operation ?? (node.ran ? '?' : 'did not run'), 34)}${padLeft(node.orders, 7)}${padLeft(node.sent, 6)}${padLeft(node.batches, 9)}  ${errors}${skipped}`,
		);
		for (const failure of node.errorOrders) {
			const why = failure.kind === 'validation' ? 'invalid input' : `refused${failure.httpStatus ? ` (HTTP ${failure.httpStatus})` : ''}`;
			lines.push(`      ↳ order ${failure.orderId || '(no id)'}, ${why}: ${shorten(failure.message)}`);
		}
	}
	return lines;
}

function formatVendorTotals(exampleSummaries) {
	const totals = {};
	for (const example of exampleSummaries) {
		for (const node of example.vendorNodes) {
			const total = (totals[node.vendor] ??= { nodes: 0, orders: 0, sent: 0, batches: 0, errorOrders: 0, errorItems: 0 });
			total.nodes += 1;
			total.orders += node.orders;
			total.sent += node.sent;
			total.batches += node.batches;
			total.errorOrders += node.errorOrders.length;
			total.errorItems += node.errorItems;
		}
	}
	const lines = [`   ${pad('vendor', 36)}${padLeft('nodes', 6)}${padLeft('orders', 8)}${padLeft('sent', 6)}${padLeft('batches', 9)}  error output`];
	for (const [vendor, total] of Object.entries(totals)) {
		lines.push(
			`   ${pad(VENDOR_LABELS[vendor], 36)}${padLeft(total.nodes, 6)}${padLeft(total.orders, 8)}${padLeft(total.sent, 6)}${padLeft(total.batches, 9)}  ${total.errorOrders ? `${plural(total.errorOrders, 'order')} (${plural(total.errorItems, 'item')})` : '-'}`,
		);
	}
	return lines;
}

function formatSandbox(sandboxSummary) {
	const lines = [];
	for (const [vendor, summary] of Object.entries(sandboxSummary.vendors)) {
		const operations = Object.entries(summary.byOperation)
			.map(([operation, entry]) => {
				const records = entry.records ? `, ${entry.records} record${entry.records === 1 ? '' : 's'}` : '';
				const refused = entry.refused ? `, ${entry.refused} refused` : '';
				return `${operation} ${entry.accepted}${records}${refused}`;
			})
			.join('; ');
		lines.push(`   ${pad(VENDOR_LABELS[vendor], 36)}${padLeft(summary.requests, 4)} requests: ${operations || 'none'}`);
	}
	return lines;
}

function formatEsputnikEvents(sandboxSummary) {
	const events = sandboxSummary.esputnikEvents;
	if (!events) return [];
	const total = events.saved + events.ignored;
	const lines = [`   eSputnik events saved: ${events.saved} of ${total}${events.ignored ? `, ${events.ignored} dropped (eSputnik answered 200)` : ' (each customer was created as a contact first)'}`];
	for (const note of new Set(events.ignoredNotes)) lines.push(`      ↳ ${shorten(note)}`);
	return lines;
}

function formatSamples(sandboxSummary) {
	const lines = [];
	for (const [vendor, summary] of Object.entries(sandboxSummary.vendors)) {
		const sample = summary.sample;
		if (!sample) continue;
		const query = Object.keys(sample.query).length ? `?${new URLSearchParams(sample.query)}` : '';
		const headers = Object.entries(sample.headers)
			.map(([name, value]) => `${name}: ${value}`)
			.join(', ');
		const first = Array.isArray(sample.body) ? sample.body[0] : sample.body?.orders ? sample.body.orders[0] : sample.body;
		const of = sample.records > 1 ? ` (first of ${sample.records} in this request)` : '';
		lines.push(`   ${VENDOR_LABELS[vendor]}: ${sample.method} ${sample.path}${query}${of}`);
		if (headers) lines.push(`   headers: ${headers}`);
		for (const line of JSON.stringify(first, null, 2).split('\n')) lines.push(`     ${line}`);
	}
	return lines;
}

module.exports = {
	DATA_OPERATIONS,
	VENDOR_LABELS,
	summarizeVendorNode,
	summarizeExample,
	summarizeSandbox,
	findProblems,
	formatExample,
	formatVendorTotals,
	formatSandbox,
	formatEsputnikEvents,
	formatSamples,
	redact,
	recordsIn,
};
