'use strict';
/**
 * Deterministic bench input: ERP/POS export rows, one row per order line (the nodes' default
 * "ERP / POS Rows" source). The same function runs in the bench process and, as source text, inside
 * n8n's Code node, so every variant sees the same rows.
 */

/**
 * Rows of `orderCount` orders with `linesPerOrder` lines each, grouped by order (as ERP exports are),
 * all values as text (as Extract From File gives them). Self-contained: its source is embedded in a
 * Code node, so it may use nothing from outside its body.
 */
function generateRows(orderCount, linesPerOrder, firstOrderId) {
	const rows = new Array(orderCount * linesPerOrder);
	const base = Date.UTC(2026, 10, 2, 8, 0, 0);
	const cents = (value) => (value / 100).toFixed(2);
	let index = 0;
	for (let order = 0; order < orderCount; order++) {
		const id = firstOrderId + order;
		// One order every 17 s, in +01:00 local time.
		const local = new Date(base + order * 17000 + 3600000).toISOString().slice(0, 19);
		const lineCents = [];
		let subtotal = 0;
		for (let line = 0; line < linesPerOrder; line++) {
			const quantity = 1 + ((order + line) % 3);
			const unit = 499 + ((order * 37 + line * 101) % 5000);
			lineCents.push([quantity, unit]);
			subtotal += quantity * unit;
		}
		const shipping = order % 4 === 0 ? 0 : 490;
		const tax = Math.round(subtotal * 0.19);
		const total = subtotal + shipping + tax;
		for (let line = 0; line < linesPerOrder; line++) {
			const product = 10000 + ((order * 7 + line * 13) % 2500);
			rows[index++] = {
				order_id: String(id),
				order_date: `${local}+01:00`,
				status: 'created',
				customer_id: `cust-${100000 + (order % 40000)}`,
				email: `customer.${100000 + (order % 40000)}@example.com`,
				phone: `+38050${String(1000000 + (order % 8000000)).padStart(7, '0')}`,
				first_name: 'Olena',
				last_name: 'Shevchenko',
				currency: 'EUR',
				shipping: cents(shipping),
				tax: cents(tax),
				subtotal: cents(subtotal),
				total: cents(total),
				store_id: `store-${1 + (order % 25)}`,
				channel: 'store',
				product_id: String(product),
				sku: `SKU-${product}`,
				product_name: `Product ${product}`,
				category: ['tools', 'garden', 'kitchen', 'toys'][product % 4],
				quantity: String(lineCents[line][0]),
				unit_price: cents(lineCents[line][1]),
			};
		}
	}
	return rows;
}

/** Code node source that returns the rows as items. */
function rowsCodeNodeSource(orderCount, linesPerOrder, firstOrderId) {
	return [
		`const generateRows = ${generateRows.toString()};`,
		`return generateRows(${orderCount}, ${linesPerOrder}, ${firstOrderId}).map((json) => ({ json }));`,
	].join('\n');
}

/** Code node source that returns fixed JSON items (payloads prepared by the mapping library). */
function itemsCodeNodeSource(values) {
	// JSON.parse of one string literal is much faster for V8 than a huge object literal.
	return `return JSON.parse(${JSON.stringify(JSON.stringify(values))}).map((json) => ({ json }));`;
}

/**
 * Code node source for ledger runs: the same rows, but every order ID carries a tag unique to this
 * execution ("<tag>-1000000"), so a workflow run again and again never meets an order its ledger has.
 */
function freshRowsCodeNodeSource(orderCount, linesPerOrder, firstOrderId) {
	return [
		`const generateRows = ${generateRows.toString()};`,
		"const tag = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);",
		`const rows = generateRows(${orderCount}, ${linesPerOrder}, ${firstOrderId});`,
		'for (const row of rows) row.order_id = `${tag}-${row.order_id}`;',
		'return rows.map((json) => ({ json }));',
	].join('\n');
}

/**
 * Code node source for back-fill chunks: the input item says which orders ({ firstOrderId, orders }),
 * as a chunked ERP query or one file of a split export would.
 */
function chunkRowsCodeNodeSource(linesPerOrder) {
	return [
		`const generateRows = ${generateRows.toString()};`,
		'const chunk = $input.first().json;',
		`return generateRows(chunk.orders, ${linesPerOrder}, chunk.firstOrderId).map((json) => ({ json }));`,
	].join('\n');
}

module.exports = { generateRows, rowsCodeNodeSource, itemsCodeNodeSource, freshRowsCodeNodeSource, chunkRowsCodeNodeSource };
