/** One problem found in an order: where it is and what is wrong, in plain words. */
export interface OrderIssue {
	/** Path like "lines[2].quantity" or "rows[3].unit_price"; "" means the whole input. */
	path: string;
	message: string;
}

/** Longest `message` we build; every issue stays available in `.issues`. */
const MAX_MESSAGE_LENGTH = 2000;

function cleanIssue(issue: OrderIssue): OrderIssue {
	if (typeof issue.path === 'string' && typeof issue.message === 'string') return issue;
	return { path: typeof issue.path === 'string' ? issue.path : '', message: typeof issue.message === 'string' ? issue.message : 'is not valid' };
}

function formatIssue(issue: OrderIssue): string {
	return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

/** The only error type the mapping library throws. */
export class OrderValidationError extends Error {
	readonly issues: OrderIssue[];

	constructor(issues: OrderIssue[]) {
		const given = Array.isArray(issues) ? issues.filter((issue) => typeof issue === 'object' && issue !== null) : [];
		const list = given.length > 0 ? given.map(cleanIssue) : [{ path: '', message: 'the order is not valid' }];
		let message = '';
		let shown = 0;
		for (const issue of list) {
			const text = formatIssue(issue);
			const next = message === '' ? text : `${message}; ${text}`;
			if (next.length > MAX_MESSAGE_LENGTH && shown > 0) break;
			message = next.length > MAX_MESSAGE_LENGTH ? `${next.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : next;
			shown++;
		}
		if (shown < list.length) {
			const rest = list.length - shown;
			message += `; … and ${rest} more ${rest === 1 ? 'problem' : 'problems'}`;
		}
		super(message);
		this.name = 'OrderValidationError';
		this.issues = list;
		Object.setPrototypeOf(this, OrderValidationError.prototype);
	}
}

/** Collects issues while a reader or writer walks its input, so all of them are reported at once. */
export class IssueList {
	readonly items: OrderIssue[] = [];

	add(path: string, message: string): void {
		this.items.push({ path, message });
	}

	/** Adds an issue at `prefix.key` (or just `key` when there is no prefix); builds the path only now. */
	at(prefix: string, key: string, message: string): void {
		this.items.push({ path: joinPath(prefix, key), message });
	}

	get length(): number {
		return this.items.length;
	}

	throwIfAny(): void {
		if (this.items.length > 0) throw new OrderValidationError(this.items);
	}
}

export function joinPath(prefix: string, key: string): string {
	if (prefix === '') return key;
	if (key === '') return prefix;
	return key.charCodeAt(0) === 91 /* [ */ ? prefix + key : `${prefix}.${key}`;
}

/** Short, safe description of any value for messages (never dumps a huge string or an object's content). */
export function describe(value: unknown): string {
	switch (typeof value) {
		case 'undefined':
			return 'nothing';
		case 'string': {
			if (value.length === 0) return 'an empty text';
			if (value.length > 60) return `${JSON.stringify(value.slice(0, 40))}… (${value.length} characters)`;
			return JSON.stringify(value);
		}
		case 'number':
			return Number.isNaN(value) ? 'NaN' : String(value);
		case 'boolean':
			return String(value);
		case 'bigint':
			return `the big integer ${value.toString().slice(0, 40)}`;
		case 'symbol':
			return 'a symbol';
		case 'function':
			return 'a function';
		default:
			if (value === null) return 'null';
			if (Array.isArray(value)) return `a list of ${value.length} ${value.length === 1 ? 'item' : 'items'}`;
			if (value instanceof Date) return 'a Date object';
			return 'an object';
	}
}

/** Runs `work` and turns any unexpected exception (a throwing getter, a Proxy, a bug) into an OrderValidationError. */
export function guard<T>(work: () => T): T {
	try {
		return work();
	} catch (error) {
		if (error instanceof OrderValidationError) throw error;
		if (error instanceof RangeError) {
			throw new OrderValidationError([{ path: '', message: 'the input is too large or too deeply nested to read' }]);
		}
		throw new OrderValidationError([
			{ path: '', message: 'the input could not be read (it contains a value that fails when accessed)' },
		]);
	}
}
