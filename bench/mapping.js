'use strict';
/**
 * Mapping benchmark: canonical orders through each vendor writer, and the flat-row reader, each
 * compared with JSON.stringify of the very objects it produced (the cheapest thing a sender must do
 * with them anyway). Runs in its own process (bench/run.js forks it) so each case starts from a
 * clean heap and `node --cpu-prof bench/mapping.js` profiles exactly this work.
 *
 *   node bench/mapping.js [--orders N] [--lines N] [--runs N] [--only name,name] [--json]
 */
const path = require('node:path');
const { generateRows } = require('./lib/data');

const MAPPING_DIR = process.env.BENCH_MAPPING_DIR || path.join(__dirname, '..', 'dist', 'mapping');

function parseArgs(argv) {
	const args = { orders: 100000, lines: 3, runs: 3, only: undefined, json: false };
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		if (flag === '--orders') args.orders = Number(argv[++i]);
		else if (flag === '--lines') args.lines = Number(argv[++i]);
		else if (flag === '--runs') args.runs = Number(argv[++i]);
		else if (flag === '--only') args.only = argv[++i].split(',');
		else if (flag === '--json') args.json = true;
		else throw new Error(`unknown option ${flag}`);
	}
	return args;
}

const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function gc() {
	if (typeof global.gc === 'function') global.gc();
}

function now() {
	return Number(process.hrtime.bigint()) / 1e6;
}

/** The cases: what each does with its input, and the unit counted per second. */
function cases(mapping) {
	const writer = (name, label, write) => ({
		name,
		label,
		input: 'orders',
		run: (orders) => {
			const out = new Array(orders.length);
			for (let i = 0; i < orders.length; i++) out[i] = write(orders[i]);
			return out;
		},
	});
	return [
		{
			name: 'readFlatRows',
			label: 'readFlatRows (ERP rows → canonical orders)',
			input: 'rows',
			run: (rows) => {
				const groups = mapping.readFlatRows(rows);
				const out = new Array(groups.length);
				for (let i = 0; i < groups.length; i++) {
					if (!groups[i].order) throw new Error(`row group ${i} failed: ${groups[i].error && groups[i].error.message}`);
					out[i] = groups[i].order;
				}
				return out;
			},
		},
		{
			name: 'parseCanonicalOrder',
			label: 'parseCanonicalOrder (order model JSON → canonical)',
			input: 'orderJson',
			run: (inputs) => {
				const out = new Array(inputs.length);
				for (let i = 0; i < inputs.length; i++) out[i] = mapping.parseCanonicalOrder(inputs[i]);
				return out;
			},
		},
		writer('toOptimizelyRecsOrder', 'toOptimizelyRecsOrder', (order) => mapping.toOptimizelyRecsOrder(order, { lang: 'en-gb' })),
		writer('toAlgonomyOrder', 'toAlgonomyOrder', (order) => mapping.toAlgonomyOrder(order, {})),
		writer('toEsputnikOrderEvent', 'toEsputnikOrderEvent', (order) =>
			mapping.toEsputnikOrderEvent(order, { eventTypeKey: 'orderCreated', contactIdentifier: 'email', includeProducts: false }),
		),
		writer('toEsputnikOrder', 'toEsputnikOrder', (order) => mapping.toEsputnikOrder(order, { source: 'offline' })),
		writer('toOdpOrderEvent', 'toOdpOrderEvent', (order) => mapping.toOdpOrderEvent(order, { action: 'purchase' })),
		writer('toOdpOrderObject', 'toOdpOrderObject', (order) => mapping.toOdpOrderObject(order, {})),
		{
			name: 'rowsToOdpEvents',
			label: 'readFlatRows + toOdpOrderEvent (what the ODP node maps; for information)',
			input: 'rows',
			// Two mapping steps against one stringify: not what the ≤ 3× target is about.
			informational: true,
			run: (rows) => {
				const groups = mapping.readFlatRows(rows);
				const out = new Array(groups.length);
				for (let i = 0; i < groups.length; i++) out[i] = mapping.toOdpOrderEvent(groups[i].order, { action: 'purchase' });
				return out;
			},
		},
	];
}

function stringifyEach(values) {
	let bytes = 0;
	for (let i = 0; i < values.length; i++) bytes += JSON.stringify(values[i]).length;
	return bytes;
}

function runCase(testCase, inputs, args) {
	const input = inputs[testCase.input];
	// Warm-up on a slice: lets V8 optimize before the timed runs.
	const warm = testCase.run(input.slice(0, Math.min(input.length, testCase.input === 'rows' ? 30000 : 10000)));
	stringifyEach(warm);
	const mapMs = [];
	const stringifyMs = [];
	let outputs;
	let bytes = 0;
	for (let run = 0; run < args.runs; run++) {
		outputs = undefined;
		gc();
		let start = now();
		outputs = testCase.run(input);
		mapMs.push(now() - start);
		start = now();
		bytes = stringifyEach(outputs);
		stringifyMs.push(now() - start);
	}
	const orders = outputs.length;
	const mapMedian = median(mapMs);
	const stringifyMedian = median(stringifyMs);
	return {
		name: testCase.name,
		label: testCase.label,
		informational: testCase.informational === true,
		orders,
		inputItems: input.length,
		runs: args.runs,
		mapMs: mapMedian,
		mapRunsMs: mapMs,
		stringifyMs: stringifyMedian,
		stringifyRunsMs: stringifyMs,
		ordersPerSecond: orders / (mapMedian / 1000),
		stringifyOrdersPerSecond: orders / (stringifyMedian / 1000),
		// Each run's mapping and stringify are adjacent in time: the median of per-run ratios is steadier
		// on a shared machine than the ratio of two medians.
		ratioToStringify: median(mapMs.map((ms, run) => ms / stringifyMs[run])),
		outputBytesPerOrder: bytes / orders,
	};
}

function main() {
	const args = parseArgs(process.argv.slice(2));
	const mapping = require(MAPPING_DIR);
	const rows = generateRows(args.orders, args.lines, 1000000);
	const groups = mapping.readFlatRows(rows);
	const orders = groups.map((group) => {
		if (!group.order) throw new Error(`generated order ${group.orderId} is invalid: ${group.error && group.error.message}`);
		return group.order;
	});
	// Order-model JSON as another workflow would hand it over: a fresh copy of each canonical order.
	const orderJson = JSON.parse(JSON.stringify(orders));
	const inputs = { rows, orders, orderJson };
	const results = [];
	for (const testCase of cases(mapping)) {
		if (args.only && !args.only.includes(testCase.name)) continue;
		const result = runCase(testCase, inputs, args);
		results.push(result);
		if (!args.json) {
			console.log(
				`${result.label.padEnd(52)} ${Math.round(result.ordersPerSecond).toLocaleString('en-US').padStart(10)} orders/s  ` +
					`stringify ${Math.round(result.stringifyOrdersPerSecond).toLocaleString('en-US').padStart(10)}/s  ratio ${result.ratioToStringify.toFixed(2)}×`,
			);
		}
	}
	const report = { orders: args.orders, linesPerOrder: args.lines, runs: args.runs, node: process.version, mappingDir: MAPPING_DIR, results };
	if (args.json) process.stdout.write(JSON.stringify(report) + '\n');
	return report;
}

if (require.main === module) main();

module.exports = { main };
