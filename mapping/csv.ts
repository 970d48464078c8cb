import { describe, guard, IssueList, OrderValidationError } from './errors';

export interface CsvOptions {
	/** one character, default "," */
	delimiter?: string;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

/**
 * RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF, newlines inside quotes; the header row gives
 * the keys. A leading byte-order mark is dropped; blank lines are skipped. Rows whose field count differs
 * from the header, unclosed quotes, text after a closing quote and duplicate column names are errors
 * (nothing is dropped silently). A "__proto__" column becomes an own property (plain data), never a prototype.
 */
export function parseCsv(text: string, options?: CsvOptions): Record<string, string>[] {
	return guard(() => {
		if (typeof text !== 'string') throw new OrderValidationError([{ path: '', message: `expected CSV text, got ${describe(text)}` }]);
		const delimiterText = options?.delimiter ?? ',';
		if (typeof delimiterText !== 'string' || delimiterText.length !== 1 || delimiterText === '"' || delimiterText === '\n' || delimiterText === '\r') {
			throw new OrderValidationError([{ path: 'options.delimiter', message: `expected one character other than a quote or line break, got ${describe(delimiterText)}` }]);
		}
		const delimiter = delimiterText.charCodeAt(0);
		const issues = new IssueList();
		const records: { fields: string[]; line: number }[] = [];
		const length = text.length;
		let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
		let line = 1;
		let fields: string[] = [];
		let recordLine = 1;
		let fieldStartedQuoted = false;
		while (position <= length) {
			// One field per turn of this loop.
			let value: string;
			if (position < length && text.charCodeAt(position) === QUOTE) {
				fieldStartedQuoted = true;
				const openLine = line;
				let parts = '';
				let cursor = position + 1;
				for (;;) {
					const next = text.indexOf('"', cursor);
					if (next < 0) {
						issues.add(`rows[${Math.max(records.length - 1, 0)}]`, `has a quoted field that is never closed (it starts on line ${openLine})`);
						throw new OrderValidationError(issues.items);
					}
					const chunk = text.slice(cursor, next);
					for (let i = 0; i < chunk.length; i++) if (chunk.charCodeAt(i) === LF) line++;
					parts += chunk;
					if (text.charCodeAt(next + 1) === QUOTE) {
						parts += '"';
						cursor = next + 2;
						continue;
					}
					position = next + 1;
					break;
				}
				value = parts;
				const after = position < length ? text.charCodeAt(position) : -1;
				if (after !== -1 && after !== delimiter && after !== CR && after !== LF) {
					issues.add(`rows[${Math.max(records.length - 1, 0)}]`, `has text after a closing quote on line ${line}`);
					while (position < length && text.charCodeAt(position) !== delimiter && text.charCodeAt(position) !== LF && text.charCodeAt(position) !== CR) position++;
				}
			} else {
				let end = position;
				while (end < length) {
					const code = text.charCodeAt(end);
					if (code === delimiter || code === LF || code === CR) break;
					end++;
				}
				value = text.slice(position, end);
				position = end;
			}
			fields.push(value);
			const code = position < length ? text.charCodeAt(position) : -1;
			if (code === delimiter) {
				position++;
				continue;
			}
			// End of record (line break or end of text).
			if (code === CR && text.charCodeAt(position + 1) === LF) position += 2;
			else position++;
			const blank = fields.length === 1 && fields[0] === '' && !fieldStartedQuoted;
			if (!blank) records.push({ fields, line: recordLine });
			fields = [];
			fieldStartedQuoted = false;
			if (code !== -1) line++;
			recordLine = line;
			if (code === -1) break;
		}
		if (records.length === 0) return [];
		const header = records[0].fields;
		const seen = new Map<string, number>();
		const keep: boolean[] = [];
		header.forEach((rawName, index) => {
			const name = rawName.trim();
			header[index] = name;
			keep.push(true);
			if (name === '') {
				// An unnamed column is fine only when it is empty everywhere (a trailing delimiter).
				const used = records.some((record, row) => row > 0 && (record.fields[index] ?? '') !== '');
				if (used) issues.add(`header[${index}]`, 'is empty, but the column has values');
				keep[index] = false;
				return;
			}
			const previous = seen.get(name);
			if (previous !== undefined) issues.add(`header[${index}]`, `repeats the column name ${describe(name)} (also column ${previous + 1})`);
			seen.set(name, index);
		});
		// A header of one column that contains another usual delimiter: the file was split with the wrong one.
		const otherDelimiter = header.length === 1 ? [';', '\t', ',', '|'].find((d) => d.charCodeAt(0) !== delimiter && header[0].includes(d)) : undefined;
		if (otherDelimiter !== undefined) {
			const name = otherDelimiter === '\t' ? 'tab' : `"${otherDelimiter}"`;
			issues.add('options.delimiter', `the header is one column containing ${name}: the delimiter looks wrong (this file seems to use ${name}, not ${describe(String.fromCharCode(delimiter))})`);
			issues.throwIfAny();
		}
		const rows: Record<string, string>[] = [];
		for (let r = 1; r < records.length; r++) {
			const record = records[r];
			if (record.fields.length !== header.length) {
				issues.add(`rows[${r - 1}]`, `has ${record.fields.length} fields but the header has ${header.length} (line ${record.line})`);
				continue;
			}
			const row: Record<string, string> = {};
			for (let c = 0; c < header.length; c++) {
				if (!keep[c]) continue;
				// defineProperty for "__proto__": an own data property, never the prototype setter.
				if (header[c] === '__proto__') Object.defineProperty(row, '__proto__', { value: record.fields[c], enumerable: true, writable: true, configurable: true });
				else row[header[c]] = record.fields[c];
			}
			rows.push(row);
		}
		issues.throwIfAny();
		return rows;
	});
}
