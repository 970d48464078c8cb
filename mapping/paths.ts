import type { OrderIssue } from './errors';

/** Canonical issue path → source path (rows, webhook fields): exact match, else the longest mapped prefix, else `fallback` (the canonical path kept in the message), else unchanged. */
export function translateIssue(issue: OrderIssue, pathMap: Map<string, string>, fallback?: string): OrderIssue {
	const exact = pathMap.get(issue.path);
	if (exact !== undefined) return { path: exact, message: issue.message };
	let cut = issue.path.length;
	while (cut > 0) {
		const dot = issue.path.lastIndexOf('.', cut - 1);
		const bracket = issue.path.lastIndexOf('[', cut - 1);
		cut = Math.max(dot, bracket);
		if (cut <= 0) break;
		const mapped = pathMap.get(issue.path.slice(0, cut));
		if (mapped !== undefined) {
			const rest = issue.path.slice(cut);
			return { path: mapped + (rest.startsWith('.') || rest.startsWith('[') ? rest : `.${rest}`), message: issue.message };
		}
	}
	if (fallback === undefined) return issue;
	return { path: fallback, message: issue.path === '' ? issue.message : `${issue.path}: ${issue.message}` };
}

