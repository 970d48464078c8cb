'use strict';
/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by package, and
 * inclusive ("total") time of selected functions, so the bench report can say where time goes.
 *
 *   node bench/lib/profile.js <file.cpuprofile> [--top N] [--match text] [--window function,url-part]
 * --window sendOrders,n8n-nodes-order-sync keeps the samples from the first with a sendOrders frame to
 * the last with a frame from the package: one node run inside the profile of a whole n8n process.
 */
const fs = require('node:fs');

/** Which package (or our code) a script URL belongs to. */
function packageOf(url) {
	if (!url) return '(native / V8)';
	const text = url.replace(/^file:\/\//, '');
	const modules = text.lastIndexOf('/node_modules/');
	if (modules !== -1) {
		const rest = text.slice(modules + '/node_modules/'.length).split('/');
		return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
	}
	if (text.startsWith('node:') || !text.startsWith('/')) return `(node: ${text.split('/')[0]})`;
	return text;
}

/**
 * The sample range from the first sample with a frame named `fromFunction` on its stack to the last
 * sample with a frame from a URL containing `urlPart`: e.g. `sendOrders` … `n8n-nodes-order-sync`
 * brackets one node run inside the profile of a whole n8n process (start-up and printing excluded).
 */
function windowOf(profile, { fromFunction, urlPart }, byId, parentOf) {
	const memo = (test) => {
		const cache = new Map();
		const has = (id) => {
			if (cache.has(id)) return cache.get(id);
			const parent = parentOf.get(id);
			const result = test(byId.get(id).callFrame) || (parent !== undefined && has(parent));
			cache.set(id, result);
			return result;
		};
		return has;
	};
	const hasStart = memo((frame) => frame.functionName === fromFunction);
	const hasPackage = memo((frame) => (frame.url || '').includes(urlPart));
	const first = profile.samples.findIndex((id) => hasStart(id));
	if (first < 0) return undefined;
	let last = first;
	profile.samples.forEach((id, index) => {
		if (index > first && hasPackage(id)) last = index;
	});
	return { first, last };
}

function summarize(profile, { top = 25, match, window: windowSpec } = {}) {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parentOf = new Map();
	for (const node of profile.nodes) for (const child of node.children || []) parentOf.set(child, node.id);
	const selfUs = new Map();
	const deltas = profile.timeDeltas;
	const range = windowSpec ? windowOf(profile, windowSpec, byId, parentOf) : undefined;
	if (windowSpec && !range) throw new Error(`no sample has a frame named ${windowSpec.fromFunction}`);
	for (let i = range ? range.first : 0; i <= (range ? range.last : profile.samples.length - 1); i++) {
		const id = profile.samples[i];
		selfUs.set(id, (selfUs.get(id) || 0) + (deltas[i] || 0));
	}
	const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
	const byFunction = new Map();
	const byPackage = new Map();
	const inclusive = new Map();
	for (const [id, us] of selfUs) {
		const node = byId.get(id);
		const frame = node.callFrame;
		const pkg = packageOf(frame.url);
		const key = `${frame.functionName || '(anonymous)'}  ${pkg}${frame.url && !frame.url.includes('node_modules') ? '' : ''}:${frame.lineNumber + 1}`;
		byFunction.set(key, (byFunction.get(key) || 0) + us);
		byPackage.set(pkg, (byPackage.get(pkg) || 0) + us);
		if (match) {
			// Inclusive time of frames whose function name or URL contains `match` (counted once per sample stack).
			const seen = new Set();
			for (let cursor = id; cursor !== undefined; cursor = parentOf.get(cursor)) {
				const f = byId.get(cursor).callFrame;
				const label = `${f.functionName || '(anonymous)'}  ${packageOf(f.url)}:${f.lineNumber + 1}`;
				if ((f.functionName + ' ' + f.url).includes(match) && !seen.has(label)) {
					seen.add(label);
					inclusive.set(label, (inclusive.get(label) || 0) + us);
				}
			}
		}
	}
	const sorted = (map) =>
		[...map.entries()]
			.sort((a, b) => b[1] - a[1])
			.slice(0, top)
			.map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: us / totalUs }));
	return {
		totalMs: Math.round(totalUs / 1000),
		window: range ? { samples: range.last - range.first + 1 } : undefined,
		byPackage: sorted(byPackage),
		byFunction: sorted(byFunction),
		inclusive: match ? sorted(inclusive) : undefined,
	};
}

function format(summary) {
	const lines = [`total sampled: ${summary.totalMs} ms`, '', 'self time by package:'];
	for (const entry of summary.byPackage) lines.push(`  ${(entry.share * 100).toFixed(1).padStart(5)}%  ${String(entry.ms).padStart(7)} ms  ${entry.name}`);
	lines.push('', 'self time by function:');
	for (const entry of summary.byFunction) lines.push(`  ${(entry.share * 100).toFixed(1).padStart(5)}%  ${String(entry.ms).padStart(7)} ms  ${entry.name}`);
	if (summary.inclusive) {
		lines.push('', 'inclusive time of matching frames:');
		for (const entry of summary.inclusive) lines.push(`  ${(entry.share * 100).toFixed(1).padStart(5)}%  ${String(entry.ms).padStart(7)} ms  ${entry.name}`);
	}
	return lines.join('\n');
}

if (require.main === module) {
	const [file, ...rest] = process.argv.slice(2);
	const options = {};
	for (let i = 0; i < rest.length; i++) {
		if (rest[i] === '--top') options.top = Number(rest[++i]);
		else if (rest[i] === '--match') options.match = rest[++i];
		else if (rest[i] === '--window') {
			const [fromFunction, urlPart] = rest[++i].split(',');
			options.window = { fromFunction, urlPart };
		}
	}
	console.log(format(summarize(JSON.parse(fs.readFileSync(file, 'utf8')), options)));
}

module.exports = { summarize, format, packageOf };
