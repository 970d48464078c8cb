import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sourceFiles(path);
		return path.endsWith('.ts') ? [path] : [];
	});
}

/** What n8n requires of a community package, and what we promise about ours. */
describe('the published package', () => {
	it('has no runtime dependencies and n8n-workflow only as a peer', () => {
		expect(pkg.dependencies).toBeUndefined();
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(pkg.keywords).toContain('n8n-community-node-package');
		// n8n 2.41 supplies these at run time: we write against exactly those versions.
		expect(pkg.devDependencies.luxon).toBe('3.7.2');
		expect(pkg.devDependencies.zod).toBe('3.25.76');
	});

	it('npm pack lists only dist/ plus package.json, README and LICENSE', () => {
		const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
		const files: string[] = JSON.parse(output)[0].files.map((file: { path: string }) => file.path);
		expect(files.length).toBeGreaterThan(10);
		const outside = files.filter((file) => !file.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(file));
		expect(outside).toEqual([]);
		expect(files.some((file) => file.startsWith('dist/sandbox') || file.includes('test/'))).toBe(false);
		for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(files).toContain(entry);
		// Icons and codex files are copied next to the compiled nodes.
		expect(files.filter((file) => file.endsWith('.svg')).length).toBe(16);
		expect(files.filter((file) => file.endsWith('.node.json')).length).toBe(4);
	});

	it('every node and credential listed in package.json exists after the build', () => {
		for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(existsSync(join(root, entry))).toBe(true);
	});

	it("n8n's package loader gives each node search aliases from its codex file (issue 17: searching \"order\" found none)", async () => {
		// The loader n8n 2.41 uses for installed community packages, reading the built dist/.
		const { PackageDirectoryLoader } = await import('n8n-core');
		const loader = new PackageDirectoryLoader(root);
		await loader.loadAll();
		const aliases = Object.fromEntries(
			loader.types.nodes.map((description) => [description.name, (description.codex?.alias ?? []).map((a) => a.toLowerCase())]),
		);
		expect(Object.keys(aliases).sort()).toEqual(['algonomy', 'esputnik', 'optimizelyDataPlatform', 'optimizelyRecs']);
		// What a low-code user types into the nodes panel, per node.
		const searched: Record<string, string[]> = {
			algonomy: ['order', 'purchase', 'ecommerce', 'e-commerce', 'pos', 'erp', 'richrelevance', 'recommendations'],
			esputnik: ['order', 'purchase', 'ecommerce', 'e-commerce', 'pos', 'erp', 'cdp'],
			optimizelyDataPlatform: ['order', 'purchase', 'refund', 'ecommerce', 'e-commerce', 'pos', 'erp', 'zaius', 'odp', 'optimizely', 'cdp'],
			optimizelyRecs: ['order', 'purchase', 'ecommerce', 'e-commerce', 'pos', 'erp', 'optimizely', 'recommendations'],
		};
		for (const [node, words] of Object.entries(searched)) {
			expect({ node, missing: words.filter((word) => !aliases[node].includes(word)) }).toEqual({ node, missing: [] });
		}
	});

	it('the mapping library imports nothing from n8n', () => {
		for (const file of sourceFiles(join(root, 'mapping'))) {
			const text = readFileSync(file, 'utf8');
			expect({ file: relative(root, file), n8n: /from\s+'(n8n-|@n8n\/)/.test(text) }).toEqual({ file: relative(root, file), n8n: false });
		}
	});

	it('node and credential code uses no process.env, file system or timers', () => {
		const files = [...sourceFiles(join(root, 'nodes')), ...sourceFiles(join(root, 'credentials'))];
		for (const file of files) {
			const text = readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
			const found = ['process.env', "from 'fs'", "from 'node:fs'", 'setTimeout(', 'setInterval('].filter((needle) => text.includes(needle));
			expect({ file: relative(root, file), found }).toEqual({ file: relative(root, file), found: [] });
		}
	});
});
