#!/usr/bin/env node
'use strict';
/**
 * `npm run demo`: the package in a real n8n against the local vendor sandbox, no vendor account needed.
 * Installs what is missing (npm ci, a real n8n in .harness/), builds and packs the package, installs the
 * tarball into a fresh n8n home as a community package, imports sandbox credentials and the example
 * workflows, executes each headless and prints what each vendor node did and what the sandbox received.
 * Exits 0 when every workflow ran and every vendor got its orders; 1 with the reasons otherwise.
 * Options: --custom (load the package through N8N_CUSTOM_EXTENSIONS instead), --json (print the report
 * as JSON), --report FILE (where the JSON report goes; default test-output/demo-report.json),
 * --queue (the webhook examples in n8n's queue mode: Postgres, Redis, main + 2 workers; scripts/lib/queue-demo.js).
 */
const fs = require('node:fs');
const path = require('node:path');

const harness = require('../harness/n8n');
const { prepareDemo, elapsed, REPO_ROOT } = require('./lib/setup');
const report = require('./lib/report');
const examples = require('./lib/examples');
const { runQueueDemo, formatQueueReport } = require('./lib/queue-demo');

const DEFAULT_REPORT_FILE = path.join(REPO_ROOT, 'test-output', 'demo-report.json');

function log(line) {
	process.stderr.write(`[demo] ${line}\n`);
}

function parseArgs(argv) {
	const options = { loadStyle: 'community', json: false, queue: false, reportFile: DEFAULT_REPORT_FILE };
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index];
		if (arg === '--custom') options.loadStyle = 'custom';
		else if (arg === '--json') options.json = true;
		else if (arg === '--queue') options.queue = true;
		else if (arg === '--report' || arg.startsWith('--report=')) {
			const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++index];
			if (!value) throw new Error('--report needs a file name');
			options.reportFile = path.resolve(value);
		} else throw new Error(`unknown option ${arg} (known: --custom, --json, --queue, --report FILE)`);
	}
	return options;
}

async function main() {
	const started = Date.now();
	const { loadStyle, json, queue, reportFile } = parseArgs(process.argv.slice(2));
	if (queue) return queueDemo({ json, reportFile, started });

	const demo = await prepareDemo({ loadStyle, log });
	let failed = true;
	try {
		const summaries = [];
		for (const example of demo.examples) {
			log(`executing "${example.workflow.name}"`);
			const execution = await harness.executeWorkflow(demo.home, example.workflow.id);
			summaries.push(report.summarizeExample(example, execution));
		}
		const sandboxSummary = report.summarizeSandbox(demo.sandbox);
		const problems = report.findProblems(summaries, sandboxSummary);
		const packageJson = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
		const result = {
			package: `${packageJson.name}@${packageJson.version}`,
			n8n: '2.41.1',
			loadStyle,
			sandboxUrl: demo.sandbox.url,
			totalSeconds: Math.round((Date.now() - started) / 100) / 10,
			setupMs: demo.timings,
			workflows: summaries,
			sandbox: sandboxSummary,
			problems,
			// Every vendor request the sandbox saw, in order of arrival (secrets redacted), for tests and debugging.
			requests: report.redact(demo.sandbox.all(), examples.sandboxSecrets(demo.sandbox)),
		};
		fs.mkdirSync(path.dirname(reportFile), { recursive: true });
		fs.writeFileSync(reportFile, JSON.stringify(result, null, 2) + '\n');
		const shownReportFile = path.relative(process.cwd(), reportFile) || reportFile;

		if (json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
		else printReport(result, summaries, sandboxSummary);

		if (problems.length) {
			console.error(`\nDEMO FAILED (${problems.length} problem${problems.length === 1 ? '' : 's'}):`);
			for (const problem of problems) console.error(`  - ${problem}`);
			console.error(`Full report: ${shownReportFile}`);
			return 1;
		}
		failed = false;
		const done = `Demo OK in ${elapsed(started)}. Full report: ${shownReportFile}. Try it in the editor: npm start`;
		if (json) log(done);
		else console.log(`\n${done}`);
		return 0;
	} finally {
		await demo.cleanup();
		if (failed) log('cleaned up the sandbox and the n8n home');
	}
}

async function queueDemo({ json, reportFile, started }) {
	const result = await runQueueDemo({ log });
	fs.mkdirSync(path.dirname(reportFile), { recursive: true });
	fs.writeFileSync(reportFile, JSON.stringify(result, null, 2) + '\n');
	const shownReportFile = path.relative(process.cwd(), reportFile) || reportFile;
	if (json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
	else for (const line of formatQueueReport(result)) process.stdout.write(`${line}\n`);
	if (result.problems.length) {
		console.error(`\nDEMO FAILED (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}):`);
		for (const problem of result.problems) console.error(`  - ${problem}`);
		console.error(`Full report: ${shownReportFile}`);
		return 1;
	}
	const done = `Queue-mode demo OK in ${elapsed(started)}. Full report: ${shownReportFile}`;
	if (json) log(done);
	else console.log(`\n${done}`);
	return 0;
}

function printReport(result, summaries, sandboxSummary) {
	const out = (line = '') => process.stdout.write(`${line}\n`);
	out();
	out(`Order sync demo: ${result.package} in a real n8n ${result.n8n} (${result.loadStyle === 'custom' ? 'N8N_CUSTOM_EXTENSIONS' : 'installed from npm pack as a community package'})`);
	out(`Vendor sandbox at ${result.sandboxUrl} stands in for the four vendor APIs (no vendor account needed).`);
	out();
	out('Example workflows, executed headless (n8n execute):');
	summaries.forEach((summary, index) => {
		for (const line of report.formatExample(summary, index)) out(line);
		out();
	});
	out('Per vendor, all workflows:');
	for (const line of report.formatVendorTotals(summaries)) out(line);
	out();
	out('What the sandbox received (accepted requests per operation, records they carried):');
	for (const line of report.formatSandbox(sandboxSummary)) out(line);
	for (const line of report.formatEsputnikEvents(sandboxSummary)) out(line);
	out();
	out('One sample payload per vendor (as received; secrets redacted):');
	for (const line of report.formatSamples(sandboxSummary)) out(line);
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error) => {
		console.error(`\nDEMO FAILED: ${error.message}`);
		process.exitCode = 1;
	},
);
