'use strict';
/** The bench report: markdown tables of every comparison, and each target met or not. */

const TARGETS = {
	bulkVsHttp: 10,
	perOrderVsHttp: 3,
	oursVsRaw: 1.5,
	mappingVsStringify: 3,
	rssVsNoop: 1.5,
	ledgerVsOff: 1.2,
};

const number = (value, digits = 0) =>
	value === undefined || value === null || Number.isNaN(value)
		? 'n/a'
		: Number(value).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const seconds = (ms) => (ms === undefined ? 'n/a' : `${number(ms / 1000, ms < 10000 ? 2 : 1)} s`);
const ratio = (value) => (value === undefined || !Number.isFinite(value) ? 'n/a' : `${number(value, value < 10 ? 2 : 1)}×`);
const mib = (kb) => (kb === undefined ? 'n/a' : `${number(kb / 1024)} MiB`);
const yes = (met) => (met === undefined ? 'n/a' : met ? '**met**' : '**not met**');

function table(header, rows) {
	const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
	for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
	return lines.join('\n');
}

/** Per-operation figures scaled to the report size, and the ratios the targets are about. */
function derive(entry) {
	const oursNode = entry.ours.nodeMs.median * entry.scale;
	const oursExecution = entry.ours.executionMs.median * entry.scale;
	const raw = entry.raw.wallMs.median * entry.scale;
	const rawMapped = entry.raw.mapAndSendMs && entry.raw.mapAndSendMs.median !== undefined ? entry.raw.mapAndSendMs.median * entry.scale : undefined;
	const httpNode = entry.http.nodeMs.median === undefined ? undefined : entry.http.nodeMs.median * entry.httpScale;
	const httpExecution = entry.http.executionMs.median === undefined ? undefined : entry.http.executionMs.median * entry.httpScale;
	return {
		oursNode,
		oursExecution,
		raw,
		rawMapped,
		httpNode,
		httpExecution,
		httpOverOurs: httpNode === undefined ? undefined : httpNode / oursNode,
		httpOverOursExecution: httpExecution === undefined ? undefined : httpExecution / oursExecution,
		oursOverRaw: oursNode / raw,
		oursOverRawMapped: rawMapped === undefined ? undefined : oursNode / rawMapped,
	};
}

function scaledMark(scale) {
	return scale === 1 ? '' : ` (×${number(scale, scale % 1 ? 1 : 0)})`;
}

function e2eTable(entries) {
	const header = [
		'Operation',
		'Requests (batch)',
		'Our node: node',
		'Our node: execution',
		'Our node: whole command',
		'HTTP Request: node',
		'HTTP Request: execution',
		'Raw client floor (send)',
		'Raw: map + send',
		'HTTP ÷ ours (node; execution)',
		'Ours ÷ raw (send; map + send)',
	];
	const rows = entries.map((entry) => {
		const d = derive(entry);
		const runs = (summary) => `[${summary.values.length}]`;
		return [
			entry.label,
			`${number(entry.requests * entry.scale)} (${entry.batchSize})`,
			`${seconds(d.oursNode)}${scaledMark(entry.scale)} ${runs(entry.ours.nodeMs)}`,
			`${seconds(d.oursExecution)}${scaledMark(entry.scale)}`,
			`${seconds(entry.ours.commandMs.median)}${entry.scale === 1 ? '' : ` (${number(entry.orders)} orders)`}`,
			d.httpNode === undefined ? 'n/a' : `${seconds(d.httpNode)}${scaledMark(entry.httpScale)} ${runs(entry.http.nodeMs)}`,
			d.httpExecution === undefined ? 'n/a' : `${seconds(d.httpExecution)}${scaledMark(entry.httpScale)}`,
			`${seconds(d.raw)}${scaledMark(entry.scale)} ${runs(entry.raw.wallMs)}`,
			`${seconds(d.rawMapped)}${scaledMark(entry.scale)}`,
			`${ratio(d.httpOverOurs)}; ${ratio(d.httpOverOursExecution)}`,
			`${ratio(d.oursOverRaw)}; ${ratio(d.oursOverRawMapped)}`,
		];
	});
	return table(header, rows);
}

function targetsOf(results) {
	const targets = [];
	const e2e = results.e2e;
	if (e2e) {
		const realistic = e2e.operations.filter((entry) => entry.latencyMs === Math.max(...results.config.e2e.latencies));
		for (const entry of realistic) {
			const d = derive(entry);
			const goal = entry.bulk ? TARGETS.bulkVsHttp : TARGETS.perOrderVsHttp;
			targets.push({
				target: `${entry.label}: ≥ ${goal}× faster than HTTP Request at ${entry.latencyMs} ms`,
				result: `${ratio(d.httpOverOurs)} (node time), ${ratio(d.httpOverOursExecution)} (execution)`,
				met: d.httpOverOurs === undefined ? undefined : d.httpOverOurs >= goal,
			});
		}
		for (const entry of e2e.operations) {
			const d = derive(entry);
			targets.push({
				target: `${entry.label} at ${entry.latencyMs} ms: within ${TARGETS.oursVsRaw}× of the raw client`,
				result: `${ratio(d.oursOverRaw)} (send only); ${ratio(d.oursOverRawMapped)} (map + send)`,
				met: d.oursOverRaw <= TARGETS.oursVsRaw,
			});
		}
		if (e2e.memory && e2e.memory.runs.ours && e2e.memory.runs.noop) {
			const peak = e2e.memory.runs.ours.mainPeakDuringExecutionKb / e2e.memory.runs.noop.mainPeakDuringExecutionKb;
			targets.push({
				target: `Peak RSS (n8n process) ≤ ${TARGETS.rssVsNoop}× the NoOp run, ${number(e2e.memory.orders)} orders`,
				result: ratio(peak),
				met: peak <= TARGETS.rssVsNoop,
			});
		}
	}
	targets.push(...ledgerTargets(results));
	for (const run of results.mapping || []) {
		for (const entry of run.results.filter((result) => !result.informational)) {
			targets.push({
				target: `${entry.name} (Node ${run.node}): mapping + validation ≤ ${TARGETS.mappingVsStringify}× JSON.stringify`,
				result: ratio(entry.ratioToStringify),
				met: entry.ratioToStringify <= TARGETS.mappingVsStringify,
			});
		}
	}
	return targets;
}

function ledgerTargets(results) {
	const targets = [];
	for (const latency of (results.ledger && results.ledger.latencies) || []) {
		for (const size of latency.sizes) {
			targets.push({
				target: `Ledger at ${number(size.recordedOrders)} recorded orders, ${latency.latencyMs} ms: ODP order events with the ledger ≤ ${TARGETS.ledgerVsOff}× without`,
				result: `${ratio(size.ratio)} (node time), ${ratio(size.ratioExecution)} (execution)`,
				met: size.ratio <= TARGETS.ledgerVsOff,
			});
		}
	}
	return targets;
}

const bytes = (value) =>
	value === undefined ? 'n/a' : value >= 1024 * 1024 ? `${number(value / 1024 / 1024, 1)} MiB` : `${number(value / 1024, 1)} KiB`;
const msPerOrder = (value) => (value === undefined || Number.isNaN(value) ? 'n/a' : `${number(value, Math.abs(value) < 1 ? 3 : 2)} ms`);

/** ## 4. Ledger and ## 5. Back-fill (in latest.md and in ledger.md). */
function ledgerSections(results) {
	const out = [];
	const l = results.ledger;
	if (l) {
		out.push(`## 4. Ledger: cost per order at ${l.latencies[0].sizes.map((size) => number(size.recordedOrders)).join(' / ')} recorded orders`, '');
		out.push(
			[
				`Workflow: Manual Trigger → Code node (${number(l.orders)} orders × ${l.lines} lines, every order ID tagged per execution, so no order was ever sent before) → ODP "Send Order Event" (node version ${l.nodeVersion}), options.skipSentBefore = true vs false, one \`n8n execute\` per run.`,
				`- Before every ledger run the node's \`processed_data\` row is written straight into the home's SQLite database with exactly N recorded orders × ${l.entriesPerOrder} entries (claimed, owner, accepted: md5 base64 strings), so each run starts at that size.`,
				'- Each run is checked: the sandbox took exactly the expected requests, every output item is `status: sent` (and `ledger: recorded` with the ledger on).',
				`- **Cost per order** = (median node time with the ledger − median without) ÷ ${number(l.orders)} orders; ratio = with ÷ without (node executionTime; execution = stoppedAt − startedAt, which adds the Code node). Target ≤ ${TARGETS.ledgerVsOff}×.`,
				'- "Entries added per order" is read back from the database after each run; "Ledger row" is the size of its JSON text after the run (n8n reads, parses and rewrites the whole row on every check-and-record call).',
				`- "One store call": what n8n's DeduplicationHelper does per call (read the row, JSON.parse, a Set of every entry, add ${number(2 * l.orders)} new hashes, JSON.stringify, UPDATE), done with sqlite3 on Node 24 outside n8n on the seeded row and rolled back — a floor for each store call the node makes (its claim wait is 4× the slowest call, at least 100 ms).`,
			].join('\n'),
			'',
		);
		for (const latency of [...l.latencies].sort((a, b) => b.latencyMs - a.latencyMs)) {
			out.push(`### ${latency.latencyMs} ms added latency`, '');
			const rows = [
				[
					'Ledger off',
					'—',
					`${seconds(latency.off.nodeMs.median)} [${latency.off.nodeMs.values.length}]`,
					seconds(latency.off.executionMs.median),
					'—',
					'—',
					'—',
					'—',
					'—',
					'—',
				],
			];
			for (const size of latency.sizes) {
				rows.push([
					`Ledger on, ${number(size.recordedOrders)} recorded orders`,
					number(size.seededEntries),
					`${seconds(size.nodeMs.median)} [${size.nodeMs.values.length}]`,
					seconds(size.executionMs.median),
					msPerOrder(size.costPerOrderMs),
					msPerOrder(size.costPerOrderExecutionMs),
					`${ratio(size.ratio)}; ${ratio(size.ratioExecution)}`,
					number(size.entriesAddedPerOrder, 2),
					bytes(size.bytesAfter),
					size.storeCall ? `${seconds(size.storeCall.totalMs)} (parse ${number(size.storeCall.parseMs)}, Set ${number(size.storeCall.setMs)}, stringify ${number(size.storeCall.stringifyMs)}, write ${number(size.storeCall.updateMs)} ms)` : 'n/a',
				]);
			}
			out.push(
				table(
					['Run', 'Entries before the run', 'Node', 'Execution', 'Cost per order (node)', 'Cost per order (execution)', 'With ÷ without (node; execution)', 'Entries added per order', 'Ledger row after', 'One store call at this size, outside n8n'],
					rows,
				),
				'',
			);
		}
	}
	const b = results.backfill;
	if (b) {
		out.push(`## 5. Back-fill: ${number(b.orders)} orders (${number(b.rows)} ERP rows) through ODP "Send Order Event"`, '');
		out.push(
			`Workflow: Manual Trigger → Code node (${number(b.chunks)} chunk items of ${number(b.chunkOrders)} orders) → Execute Workflow ("Run once for each item", wait) → sub-workflow [Code node making that chunk's rows → ODP node (v${b.nodeVersion}) → Limit 1]: one sub-workflow execution per chunk, all in one \`n8n execute\` process, every chunk sharing the sub-workflow node's ledger. ${b.latencyMs} ms latency. ` +
				'RSS sampled from /proc every 20 ms between startedAt and stoppedAt; the process tree adds the JavaScript task runner (the Code nodes).',
			'',
		);
		const runRow = (run) => [
			run.ledgerOn ? 'Ledger on' : 'Ledger off',
			seconds(run.executionMs),
			number(run.ordersPerSecond),
			number(run.requests),
			mib(run.mainRssAtStartKb),
			mib(run.mainPeakDuringExecutionKb),
			mib(run.treePeakDuringExecutionKb),
			mib(run.mainHwmKb),
			run.ledgerOn ? `${number(run.ledgerEntries)} (${bytes(run.ledgerBytes)})` : '—',
		];
		out.push(
			table(
				['Run', 'Execution', 'Orders/s', 'Requests', 'n8n RSS at start', 'n8n peak RSS', 'Process tree peak RSS', 'n8n VmHWM', 'Ledger entries after (row size)'],
				b.runs.map(runRow),
			),
			'',
		);
	}
	return out;
}

/** bench/results/ledger.md: the machine and the ledger sections only. */
function ledgerReport(results) {
	const out = [`# Benchmarks: the sent-orders ledger (issue 13)`, ''];
	out.push(`${results.kind === 'smoke' ? 'Smoke run (tiny sizes: the numbers mean nothing)' : 'Run'} started ${results.startedAt}; sections: ${(results.sections || []).join(', ')}; the whole command took ${number(results.totalSeconds)} s.`, '');
	out.push('## Machine', '', machineTable(results.machine), '');
	out.push(...ledgerSections(results));
	const targets = ledgerTargets(results);
	if (targets.length > 0) out.push('## Targets', '', table(['Target', 'Result', 'Met'], targets.map((entry) => [entry.target, entry.result, yes(entry.met)])), '');
	return out.join('\n');
}

function machineTable(m) {
	return table(
		['', ''],
		[
			['CPU', `${m.cores} × ${m.cpuModel}`],
			['Memory', `${m.memoryGb} GB`],
			['OS', m.os],
			['Node (bench, raw client, sandbox)', m.benchNode],
			["Node (n8n's runtime)", m.n8nNode || 'n/a'],
			['n8n', m.n8nVersion || 'n/a'],
			['Commit', m.commit || 'n/a'],
			['Load average (1, 5, 15 min) at start / end', `${m.loadAverageAtStart.join(', ')} / ${(m.loadAverageAtEnd || []).join(', ')}`],
		],
	);
}

function markdown(results) {
	const out = [];
	const m = results.machine;
	out.push(`# Benchmarks: n8n-nodes-order-sync`, '');
	out.push(
		`${results.kind === 'smoke' ? 'Smoke run (tiny sizes, one run each: the numbers mean nothing)' : 'Full run'} started ${results.startedAt}; ` +
			`the whole \`${results.kind === 'smoke' ? 'node bench/run.js --smoke' : 'npm run bench'}\` took ${number(results.totalSeconds)} s.`,
		'',
	);
	out.push('## Machine', '');
	out.push(
		table(
			['', ''],
			[
				['CPU', `${m.cores} × ${m.cpuModel}`],
				['Memory', `${m.memoryGb} GB`],
				['OS', m.os],
				['Node (bench, raw client, sandbox)', m.benchNode],
				["Node (n8n's runtime)", m.n8nNode || 'n/a'],
				['n8n', m.n8nVersion || 'n/a'],
				['Commit', m.commit || 'n/a'],
				['Load average (1, 5, 15 min) at start / end', `${m.loadAverageAtStart.join(', ')} / ${(m.loadAverageAtEnd || []).join(', ')}`],
			],
		),
		'',
	);

	if (results.mapping && results.mapping.length > 0) {
		const first = results.mapping[0];
		out.push(`## 1. Mapping: ${number(first.orders)} canonical orders × ${first.linesPerOrder} lines (median of ${first.runs} run${first.runs === 1 ? '' : 's'})`, '');
		out.push(
			'Each case maps every order (validation included: writers re-check their input) and keeps the outputs; ' +
				'then `JSON.stringify` runs on each of those output objects. Ratio = mapping time ÷ stringify time (median of the per-run ratios). ' +
				`readFlatRows reads the equivalent ${number(first.orders * first.linesPerOrder)} ERP rows.`,
			'',
		);
		const rows = [];
		for (const run of results.mapping) {
			for (const entry of run.results) {
				rows.push([
					entry.label,
					`${run.node} (${run.role})`,
					number(entry.ordersPerSecond),
					number(entry.stringifyOrdersPerSecond),
					ratio(entry.ratioToStringify),
					entry.informational ? '—' : yes(entry.ratioToStringify <= TARGETS.mappingVsStringify),
				]);
			}
		}
		out.push(table(['Case', 'Node', 'Orders/s', 'JSON.stringify of the output, orders/s', 'Ratio', `≤ ${TARGETS.mappingVsStringify}×`], rows), '');
	}

	const e2e = results.e2e;
	if (e2e) {
		const c = results.config.e2e;
		out.push(`## 2. End to end in a real n8n ${m.n8nVersion || ''}: ${number(c.reportOrders)} orders × ${c.lines} lines`, '');
		out.push(
			[
				`Workflow: Manual Trigger → Code node (makes the input items) → the node under test, run by \`n8n execute\` (one process per run); vendor sandbox in its own process on 127.0.0.1, ODP rate limit off.`,
				`- **Our node**: default settings (batch sizes as listed, requests in flight: ${[...new Set(e2e.operations.map((o) => `${o.concurrency} ${o.bulk ? 'bulk' : 'one order per request'}`))].join(', ')}), input = ERP rows (${c.lines} per order).`,
				`- **HTTP Request node** (v4.5): one request per item, each item one order's payload prepared by the mapping library, same endpoint, our credential as "predefined credential type", batching off. Measured on ${number(c.httpOrders)} orders and scaled to ${number(c.reportOrders)} (marked ×N).`,
				'- **Raw client floor (send)**: Node `http` with keep-alive outside n8n, sending the same batches as our node with the same concurrency (body serialization included), payloads made beforehand. **Raw: map + send**: the same, timing also the mapping library turning the same rows into those payloads (in the bench process, JIT already warm).',
				`- **node** = the node's own executionTime; **execution** = the execution's stoppedAt − startedAt (includes the Code node making the input); **whole command** = the \`n8n execute\` process from spawn to exit (start-up, execution, printing the run data).`,
				`- One-request-per-order operations are measured on ${number(c.perOrderOrders)} orders and scaled to ${number(c.reportOrders)} (marked ×N); [n] = runs, figures are medians.`,
				'- Ratios use times scaled to the same order count.',
			].join('\n'),
			'',
		);
		for (const latencyMs of [...c.latencies].sort((a, b) => b - a)) {
			out.push(`### ${latencyMs} ms added latency${latencyMs === Math.max(...c.latencies) && latencyMs > 0 ? ' (the realistic case)' : ''}`, '');
			out.push(e2eTable(e2e.operations.filter((entry) => entry.latencyMs === latencyMs)), '');
		}
		if (e2e.noop.length > 0) {
			out.push('### NoOp node on the same rows (the engine floor)', '');
			out.push(
				table(
					['Rows', 'NoOp node', 'Execution', 'of which the Code node making the rows', 'Whole command'],
					e2e.noop.map((entry) => [
						number(entry.rows),
						`${seconds(entry.nodeMs.median)} [${entry.nodeMs.values.length}]`,
						seconds(entry.executionMs.median),
						seconds(entry.inputMs.median),
						seconds(entry.commandMs.median),
					]),
				),
				'',
			);
		}
		if (e2e.memory) {
			const { ours, noop } = e2e.memory.runs;
			out.push(`## 3. Memory: ${number(e2e.memory.orders)} orders (${number(e2e.memory.rows)} rows), ${e2e.memory.operation} vs NoOp`, '');
			out.push(
				'Workflow: Manual Trigger → Execute Workflow (waits) → sub-workflow [Code node rows → node under test → Limit 1], so the printed run data stays small; one `n8n execute` process each, 0 ms latency, one run each. ' +
					'RSS is sampled from /proc/<pid>/status every 20 ms; "during the execution" keeps samples between startedAt and stoppedAt. ' +
					"The process tree adds n8n's JavaScript task runner (which runs the Code node). VmHWM is the kernel's peak for the whole process life, including printing the result.",
				'',
			);
			const row = (name, run) => [
				name,
				seconds(run.executionMs),
				mib(run.mainRssAtStartKb),
				mib(run.mainPeakDuringExecutionKb),
				mib(run.treePeakDuringExecutionKb),
				mib(run.mainHwmKb),
			];
			out.push(
				table(
					['Run', 'Execution', 'n8n RSS when the execution started', 'n8n peak RSS during the execution', 'Process tree peak RSS', 'n8n VmHWM (whole life)'],
					[
						row(`Our node (${e2e.memory.operation})`, ours),
						row('NoOp', noop),
						[
							'Ours ÷ NoOp',
							ratio(ours.executionMs / noop.executionMs),
							'',
							ratio(ours.mainPeakDuringExecutionKb / noop.mainPeakDuringExecutionKb),
							ratio(ours.treePeakDuringExecutionKb / noop.treePeakDuringExecutionKb),
							ratio(ours.mainHwmKb / noop.mainHwmKb),
						],
					],
				),
				'',
			);
		}
	}

	out.push(...ledgerSections(results));

	const targets = targetsOf(results);
	if (targets.length > 0) {
		out.push('## Targets', '');
		out.push(table(['Target', 'Result', 'Met'], targets.map((entry) => [entry.target, entry.result, yes(entry.met)])), '');
	}
	return out.join('\n');
}

module.exports = { markdown, ledgerReport, derive, targetsOf, TARGETS, table };
