'use strict';
/**
 * Reads and writes the sent-orders ledger row of one node directly in an n8n home's SQLite database
 * (<home>/.n8n/database.sqlite, table processed_data: workflowId, context = 'n:<node id>', value =
 * JSON {"mode":"entries","data":[md5 base64 of each key]}, createdAt, updatedAt), so the ledger bench
 * can start a run with exactly N recorded orders without sending them first.
 *
 * Runs on n8n's Node 24 (`require('../../harness/n8n').paths.nodeBinary`): the sqlite3 module of the
 * harness install is built for it. Never while an n8n process uses the same home.
 *
 *   node24 bench/lib/ledger-db.js '<json request>'    → prints one JSON line
 *   request: { db, op: 'schema' }
 *            { db, op: 'count', workflowId, context }
 *            { db, op: 'seed', workflowId, context, orders, entriesPerOrder, tag }   (orders 0: no row)
 *            { db, op: 'storeCall', workflowId, context, keys }   one check-and-record call as n8n's
 *              DeduplicationHelper does it (read the row, JSON.parse, Set of all entries, push the new
 *              hashes, JSON.stringify, UPDATE), timed per phase; rolled back, so the row is unchanged.
 */
const path = require('node:path');
const crypto = require('node:crypto');

const HARNESS_MODULES = path.join(__dirname, '..', '..', '.harness', 'n8n', 'node_modules');
// eslint-disable-next-line import/no-dynamic-require
const sqlite3 = require(path.join(HARNESS_MODULES, 'sqlite3'));

/** The entries one recorded event order leaves: claimed and accepted (main since bd770f7; the owner key is one per claim call), then owner. */
const KINDS = ['c', 's', 'o'];

/** md5 base64, as n8n's DeduplicationHelper.createValueHash does. */
const hash = (text) => crypto.createHash('md5').update(text).digest('base64');

/** The JSON value of a ledger with `orders` recorded orders, `entriesPerOrder` entries each (keys as the spec shapes them). */
function ledgerValue(orders, entriesPerOrder, tag) {
	const hashes = new Array(orders * entriesPerOrder);
	let index = 0;
	for (let order = 0; order < orders; order++) {
		const key = `seed|${tag}|purchase|seed-${order}|100.00|90.00`;
		for (let kind = 0; kind < entriesPerOrder; kind++) {
			const prefix = KINDS[kind % KINDS.length];
			hashes[index++] = hash(prefix === 'o' ? `o|${key}|seed-nonce` : `${prefix}|${key}`);
		}
	}
	// Built as text: JSON.stringify of 3 million strings is slower and needs the array twice.
	return hashes.length === 0 ? '{"mode":"entries","data":[]}' : `{"mode":"entries","data":["${hashes.join('","')}"]}`;
}

function open(file) {
	return new Promise((resolve, reject) => {
		const db = new sqlite3.Database(file, sqlite3.OPEN_READWRITE, (error) => (error ? reject(error) : resolve(db)));
	});
}

const call = (db, method, sql, params = []) =>
	new Promise((resolve, reject) => db[method](sql, params, function done(error, result) {
		if (error) reject(error);
		else resolve(method === 'run' ? { changes: this.changes } : result);
	}));

async function main() {
	const request = JSON.parse(process.argv[2]);
	const db = await open(request.db);
	const started = Date.now();
	try {
		await call(db, 'run', 'PRAGMA busy_timeout = 10000');
		if (request.op === 'schema') {
			const table = await call(db, 'get', "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'processed_data'");
			const columns = await call(db, 'all', "PRAGMA table_info('processed_data')");
			return { sql: table && table.sql, columns: columns.map((column) => ({ name: column.name, type: column.type, notnull: column.notnull, pk: column.pk })) };
		}
		const where = 'WHERE "workflowId" = ? AND "context" = ?';
		if (request.op === 'count') {
			const row = await call(db, 'get', `SELECT value FROM processed_data ${where}`, [request.workflowId, request.context]);
			if (!row) return { exists: false, entries: 0 };
			const value = JSON.parse(row.value);
			return { exists: true, mode: value.mode, entries: Array.isArray(value.data) ? value.data.length : undefined, bytes: row.value.length };
		}
		if (request.op === 'storeCall') {
			const phases = {};
			let mark = Date.now();
			const lap = (name) => {
				const now = Date.now();
				phases[name] = now - mark;
				mark = now;
			};
			const row = await call(db, 'get', `SELECT value FROM processed_data ${where}`, [request.workflowId, request.context]);
			lap('readMs');
			const value = row ? JSON.parse(row.value) : { mode: 'entries', data: [] };
			lap('parseMs');
			const seen = new Set(value.data);
			lap('setMs');
			for (let index = 0; index < request.keys; index++) {
				const key = hash(`c|bench|storeCall|${index}`);
				if (!seen.has(key)) value.data.push(key);
			}
			lap('checkMs');
			const text = JSON.stringify(value);
			lap('stringifyMs');
			await call(db, 'run', 'BEGIN');
			await call(db, 'run', `UPDATE processed_data SET value = ?, "updatedAt" = STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW') ${where}`, [text, request.workflowId, request.context]);
			lap('updateMs');
			await call(db, 'run', 'ROLLBACK');
			return { entries: value.data.length - request.keys, ...phases, totalMs: Date.now() - started };
		}
		if (request.op === 'seed') {
			await call(db, 'run', `DELETE FROM processed_data ${where}`, [request.workflowId, request.context]);
			if (request.orders > 0) {
				const value = ledgerValue(request.orders, request.entriesPerOrder, request.tag || 'bench');
				// n8n's own timestamp format in SQLite (STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')).
				await call(
					db,
					'run',
					`INSERT INTO processed_data ("workflowId", "context", "value", "createdAt", "updatedAt") VALUES (?, ?, ?, STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW'), STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW'))`,
					[request.workflowId, request.context, value],
				);
				return { entries: request.orders * request.entriesPerOrder, bytes: value.length, ms: Date.now() - started };
			}
			return { entries: 0, bytes: 0, ms: Date.now() - started };
		}
		throw new Error(`unknown op ${request.op}`);
	} finally {
		await new Promise((resolve) => db.close(resolve));
	}
}

main().then(
	(result) => process.stdout.write(`${JSON.stringify(result)}\n`),
	(error) => {
		process.stderr.write(`${error.stack || error.message}\n`);
		process.exitCode = 1;
	},
);
