#!/usr/bin/env node
'use strict';
/**
 * `npm run demo`: the package in a real n8n against the local vendor sandbox, no vendor account needed.
 * Installs what is missing (npm ci, a real n8n in .harness/), builds and packs the package, installs the
 * tarball into a fresh n8n home as a community package, imports sandbox credentials and the example
 * workflows, executes each headless and prints what each vendor node did and what the sandbox received.
 * Exits 0 when every workflow ran and every vendor got its orders; 1 with the reasons otherwise.
 * Options: --custom (load the package through N8N_CUSTOM_EXTENSIONS instead), --json (the report as JSON).
 */
const fs = require('node:fs');
const path = require('node:path');

const harness = require('../harness/n8n');
const { prepareDemo, elapsed, REPO_ROOT } = require('./lib/setup');
const report = require('./lib/report');

const REPORT_FILE = path.join(REPO_ROOT, 'test-output', 'demo-report.json');

function log(line) {
	process.stderr.write(`[demo] ${line}\n`);
}

async function main() {
	const started = Date.now();
	const args = process.argv.slice(2);
	const unknown = args.filter((arg) => !['--custom', '--json'].includes(arg));
	if (unknown.length) throw new Error(`unknown option(s): ${unknown.join(' ')} (known: --custom, --json)`);
	const loadStyle = args.includes('--custom') ? 'custom' : 'community';

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
		};
		fs.mkdirSync(path.dirname(REPORT_FILE), { recursive: true });
		fs.writeFileSync(REPORT_FILE, JSON.stringify(result, null, 2) + '\n');

		if (args.includes('--json')) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
		else printReport(result, summaries, sandboxSummary);

		if (problems.length) {
			console.error(`\nDEMO FAILED (${problems.length} problem${problems.length === 1 ? '' : 's'}):`);
			for (const problem of problems) console.error(`  - ${problem}`);
			console.error(`Full report: ${path.relative(REPO_ROOT, REPORT_FILE)}`);
			return 1;
		}
		failed = false;
		console.log(`\nDemo OK in ${elapsed(started)}. Full report: ${path.relative(REPO_ROOT, REPORT_FILE)}. Try it in the editor: npm start`);
		return 0;
	} finally {
		await demo.cleanup();
		if (failed) log('cleaned up the sandbox and the n8n home');
	}
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
