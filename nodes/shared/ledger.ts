import { createHash, randomBytes } from 'node:crypto';

import type { ICheckProcessedOptions, IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

/**
 * The sent-orders ledger (issue 13): what each vendor accepted, kept in n8n's own database, so a
 * re-run, a re-delivered webhook or a restarted back-fill never applies an order twice.
 *
 * Storage is n8n's deduplication store (the one behind Remove Duplicates: `processed_data`, one row
 * per workflow and node, SQLite or Postgres, shared by queue-mode workers). It is the only store n8n
 * 2.41 gives a community node: Data Tables refuse every node but n8n's own (`ALLOWED_NODES` in
 * data-table-proxy.service). Two properties of that store shape everything below:
 * - each call reads and rewrites the node's whole list (O(ledger size) per call), so calls are
 *   serialised and coalesced: one call carries every key waiting at that moment;
 * - a call is a read followed by a write with nothing in between guarding it, so two executions can
 *   overwrite each other's entries. Claims therefore follow Fischer's timed mutual exclusion: write
 *   the claim with an owner key unique to this execution, wait longer than any store call takes,
 *   read again; only a claim whose owner key survived is ours. Confirmations are read back too and
 *   written again when another execution's write dropped them.
 *
 * Keys (n8n stores an MD5 of each): `c|…` claimed: a request carrying the unit is being or was
 * sent; `s|…` accepted by the vendor; and one `o|<nonce>|<n>` per claim call, the owner key. A
 * store call replaces the whole list, so while the owner key of a call is there, every claim that
 * call wrote is there too: one owner key proves a whole window is ours. Two entries per order.
 * Upserts skip the owner key and the wait: sending one twice leaves the same record, so an upsert
 * in doubt is sent again.
 */

const STORE_OPTIONS: ICheckProcessedOptions = { mode: 'entries' };
/** Fischer's wait is at least this long, and at least this many times the slowest store call seen. */
const MIN_CLAIM_WAIT_MS = 250;
const CLAIM_WAIT_FACTOR = 2;
const MAX_CLAIM_ROUNDS = 12;
const MAX_CONFIRM_ROUNDS = 6;

export type LedgerKind = 'event' | 'upsert';

/** What the ledger says of a unit before it is sent. */
export type ClaimVerdict =
	| { send: true }
	| { send: false; ledger: 'sentBefore' | 'inDoubt' | 'claimedElsewhere'; message: string };

interface DedupStore {
	checkProcessedAndRecord(items: string[], scope: 'node', options: ICheckProcessedOptions): Promise<{ new: Array<string | number>; processed: Array<string | number> }>;
	removeProcessed(items: string[], scope: 'node', options: ICheckProcessedOptions): Promise<void>;
	clearAllProcessedItems(scope: 'node', options: ICheckProcessedOptions): Promise<void>;
}

export function sha256(text: string, length = 32): string {
	return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** A stable fingerprint of a payload: a changed order gets a new one, an unchanged one the same. */
export function payloadFingerprint(payload: unknown): string {
	return sha256(stableJson(payload));
}

function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.keys(value as object)
			.sort()
			.filter((key) => (value as Record<string, unknown>)[key] !== undefined)
			.map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`);
		return `{${entries.join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

export interface LedgerSettings {
	/** undefined: the operation's default for this node version. */
	skipSentBefore?: boolean;
	forgetSentOrders: boolean;
	resendOrderIds: Set<string>;
	resendInDoubt: boolean;
}

export function readLedgerSettings(options: IDataObject): LedgerSettings {
	return {
		skipSentBefore: typeof options.skipSentBefore === 'boolean' ? options.skipSentBefore : undefined,
		forgetSentOrders: options.forgetSentOrders === true,
		resendOrderIds: new Set(
			String(options.resendOrderIds ?? '')
				.split(/[\s,;]+/)
				.map((id) => id.trim())
				.filter(Boolean),
		),
		resendInDoubt: options.resendInDoubt === true,
	};
}

/** The ledger options of every node's Options collection. */
export const ledgerOptions = [
	{
		displayName: 'Forget Sent Orders',
		name: 'forgetSentOrders',
		type: 'boolean' as const,
		default: false,
		description:
			"Whether to empty this node's record of sent orders before the run, so every order is sent again (as Remove Duplicates' Clear Deduplication History does)",
	},
	{
		displayName: 'Resend Order IDs',
		name: 'resendOrderIds',
		type: 'string' as const,
		default: '',
		placeholder: '1001, 1002',
		description: 'Order IDs (comma-separated) to send even though this node sent them before or may have',
	},
	{
		displayName: 'Resend Orders That May Have Been Applied',
		name: 'resendInDoubt',
		type: 'boolean' as const,
		default: false,
		description:
			'Whether to send orders whose earlier request got no answer (n8n stopped or the connection dropped mid-request). Check the vendor first: it may have applied them.',
	},
	{
		displayName: 'Skip Orders Sent Before',
		name: 'skipSentBefore',
		type: 'boolean' as const,
		default: true,
		description:
			"Whether to skip orders this node already sent (kept in n8n's database, per node and vendor account; a changed order is sent again). When not added: on for ODP Send Order Event and eSputnik Send Order Event from node version 1.2 (each copy would count again), off for the other operations.",
	},
];

interface Pending {
	calls: PendingCall[];
	scheduled: boolean;
}

interface PendingCall {
	keys: string[];
	resolve: (processed: Set<string>) => void;
	reject: (error: unknown) => void;
}

/**
 * n8n's store creates a node's row on its first call with a plain INSERT after finding none, so two
 * executions (queue-mode workers) making their first call at the same moment race: one INSERT fails
 * on the primary key (Postgres "duplicate key value violates unique constraint", SQLite "UNIQUE
 * constraint failed"). That call wrote nothing; made again it finds the row and updates it.
 */
const FIRST_INSERT_RACE = /duplicate key value violates unique constraint|UNIQUE constraint failed|ER_DUP_ENTRY/i;
const FIRST_INSERT_TRIES = 4;

async function recordRetryingFirstInsert(store: DedupStore, keys: string[]): ReturnType<DedupStore['checkProcessedAndRecord']> {
	let failure: unknown;
	for (let attempt = 1; attempt <= FIRST_INSERT_TRIES; attempt++) {
		try {
			return await store.checkProcessedAndRecord(keys, 'node', STORE_OPTIONS);
		} catch (error) {
			failure = error;
			if (!FIRST_INSERT_RACE.test(String((error as Error)?.message ?? error))) break;
			if (attempt < FIRST_INSERT_TRIES) await sleep(20 * attempt + Math.random() * 30);
		}
	}
	// The caller hands it on to every waiting claim (it rejects them with it).
	return await Promise.reject(failure);
}

/** Serialises and coalesces calls to n8n's store; measures how long a call takes. */
class StoreQueue {
	private tail: Promise<unknown> = Promise.resolve();
	private readonly recording: Pending = { calls: [], scheduled: false };
	private readonly removing: Pending = { calls: [], scheduled: false };
	slowestCallMs = 0;

	constructor(private readonly store: DedupStore) {}

	private async timed<T>(work: () => Promise<T>): Promise<T> {
		const started = Date.now();
		try {
			return await work();
		} finally {
			this.slowestCallMs = Math.max(this.slowestCallMs, Date.now() - started);
		}
	}

	private enqueue<T>(work: () => Promise<T>): Promise<T> {
		const result = this.tail.then(() => this.timed(work));
		this.tail = result.catch(() => undefined);
		return result;
	}

	/** Records keys; resolves with the keys that were already there. Callers waiting together share one call. */
	record(keys: string[]): Promise<Set<string>> {
		return this.coalesced(this.recording, keys, async (all) => {
			const answer = await recordRetryingFirstInsert(this.store, all);
			return new Set(answer.processed.map(String));
		});
	}

	/** Removes keys; callers waiting together share one call. */
	async remove(keys: string[]): Promise<void> {
		await this.coalesced(this.removing, keys, async (all) => {
			await this.store.removeProcessed(all, 'node', STORE_OPTIONS);
			return new Set<string>();
		});
	}

	/**
	 * Queues `keys` for the next call of this kind: every caller waiting when that call starts
	 * shares it (one read and rewrite of the whole record instead of one per caller).
	 */
	private coalesced(pending: Pending, keys: string[], call: (all: string[]) => Promise<Set<string>>): Promise<Set<string>> {
		if (keys.length === 0) return Promise.resolve(new Set());
		return new Promise((resolve, reject) => {
			pending.calls.push({ keys, resolve, reject });
			if (pending.scheduled) return;
			pending.scheduled = true;
			void this.enqueue(async () => {
				pending.scheduled = false;
				const calls = pending.calls;
				pending.calls = [];
				try {
					const answer = await call([...new Set(calls.flatMap((entry) => entry.keys))]);
					for (const entry of calls) entry.resolve(answer);
				} catch (error) {
					for (const entry of calls) entry.reject(error);
				}
			});
		});
	}

	clear(): Promise<void> {
		return this.enqueue(() => this.store.clearAllProcessedItems('node', STORE_OPTIONS));
	}
}

export interface LedgerUnit {
	orderId: string;
	/** What makes this send distinct (action and amount, or the payload's fingerprint). */
	key: string;
}

/**
 * One execution's view of the ledger for one operation and vendor account.
 */
export class Ledger {
	private readonly queue: StoreQueue;
	private readonly nonce = randomBytes(8).toString('hex');
	private readonly confirmed: string[] = [];
	private confirmWrites: Array<Promise<unknown>> = [];

	constructor(
		store: DedupStore,
		/** Operation name and a hash of the vendor account (base URL and credential), never a secret. */
		private readonly scope: string,
		private readonly kind: LedgerKind,
		private readonly settings: LedgerSettings,
	) {
		this.queue = new StoreQueue(store);
	}

	static forExecution(
		context: IExecuteFunctions,
		scope: string,
		kind: LedgerKind,
		settings: LedgerSettings,
	): Ledger {
		return new Ledger(context.helpers as unknown as DedupStore, scope, kind, settings);
	}

	private name(prefix: 'c' | 's', unit: LedgerUnit): string {
		return `${prefix}|${this.scope}|${unit.key}`;
	}

	private ownerCount = 0;
	/** A key no other call, of this execution or another, ever writes. */
	private newOwnerKey(): string {
		return `o|${this.scope}|${this.nonce}|${++this.ownerCount}`;
	}

	/** The slowest store call so far (ms): the store's cost grows with the ledger's size. */
	get slowestCallMs(): number {
		return this.queue.slowestCallMs;
	}

	async forgetAll(): Promise<void> {
		await this.queue.clear();
	}

	/** Fischer's wait, plus up to half again at random so that contenders drift apart. */
	private claimWaitMs(): number {
		const wait = Math.max(MIN_CLAIM_WAIT_MS, CLAIM_WAIT_FACTOR * this.queue.slowestCallMs);
		return Math.round(wait * (1 + Math.random() / 2));
	}

	/**
	 * Decides for each unit whether to send it. Event units that will be sent are claimed first, so
	 * that a run killed mid-request leaves a trace ("may already have been applied").
	 */
	async claim(units: LedgerUnit[]): Promise<ClaimVerdict[]> {
		const verdicts = new Array<ClaimVerdict>(units.length);
		const forced = (unit: LedgerUnit) => this.settings.resendOrderIds.has(unit.orderId);

		// Round 1: claim every unit not forced; a claim already there means an earlier run sent or tried it.
		let contenders: number[] = [];
		let owner = this.newOwnerKey();
		const claimKeys = units.map((unit) => this.name('c', unit));
		const present = await this.queue.record(this.kind === 'event' ? [...claimKeys, owner] : claimKeys);
		const claimedBefore: number[] = [];
		units.forEach((unit, index) => {
			if (present.has(this.name('c', unit))) claimedBefore.push(index);
			else contenders.push(index);
		});
		if (claimedBefore.length > 0) {
			const sent = await this.check(claimedBefore.map((index) => this.name('s', units[index])));
			for (const index of claimedBefore) {
				const unit = units[index];
				if (sent.has(this.name('s', unit))) {
					verdicts[index] = forced(unit) ? { send: true } : sentBefore();
				} else if (forced(unit) || this.settings.resendInDoubt || this.kind === 'upsert') {
					// An upsert applied twice leaves the same record: one in doubt is simply sent again.
					verdicts[index] = { send: true };
				} else {
					verdicts[index] = {
						send: false,
						ledger: 'inDoubt',
						message:
							'Not sent: an earlier run sent this order but recorded no answer (n8n stopped or the connection dropped mid-request), so the vendor may already have applied it. Check the vendor; to send it anyway, add its ID to Resend Order IDs or turn on Resend Orders That May Have Been Applied.',
					};
				}
			}
		}

		if (this.kind === 'upsert') {
			for (const index of contenders) verdicts[index] = { send: true };
			return verdicts;
		}
		// Fischer: wait longer than any store call takes, then read the owner keys back.
		const gaveUp: string[] = [];
		for (let round = 0; contenders.length > 0; round++) {
			await sleep(this.claimWaitMs());
			// Read back: the owner key of the last write, and a new one in case the claims must be written again.
			const nextOwner = this.newOwnerKey();
			const keys = [owner, nextOwner, ...contenders.map((index) => this.name('c', units[index]))];
			const survived = await this.queue.record(keys);
			const ours = survived.has(owner);
			owner = nextOwner;
			const next: number[] = [];
			for (const index of contenders) {
				const unit = units[index];
				if (ours) {
					verdicts[index] = { send: true };
				} else if (survived.has(this.name('c', unit)) && !forced(unit)) {
					// Another execution's write replaced ours and holds the claim: it sends this order.
					verdicts[index] = {
						send: false,
						ledger: 'claimedElsewhere',
						message: 'Not sent: another execution of this workflow is sending this order at this moment',
					};
				} else if (round + 1 >= MAX_CLAIM_ROUNDS) {
					verdicts[index] = {
						send: false,
						ledger: 'claimedElsewhere',
						message: 'Not sent: other executions kept overwriting the record of sent orders; run again',
					};
					// The claim this read wrote again is ours and nothing was sent: take it back, so that
					// the next run sends the order instead of reporting it in doubt.
					gaveUp.push(this.name('c', unit));
				} else {
					next.push(index); // our claim was lost and is written again by this read, with the new owner key: check once more
				}
			}
			contenders = next;
		}
		if (gaveUp.length > 0) await this.queue.remove(gaveUp);
		return verdicts;
	}

	/**
	 * Which of `keys` are recorded, without recording the missing ones for good (the store has no
	 * read-only call: record, then remove what was new). Used only for units claimed before. Should
	 * another execution confirm one of them between the two calls, its confirmation is removed; its
	 * flush() reads confirmations back and writes them again, and in the worst case a later run
	 * reports the order in doubt: never sent twice.
	 */
	private async check(keys: string[]): Promise<Set<string>> {
		if (keys.length === 0) return new Set();
		const present = await this.queue.record(keys);
		const added = keys.filter((key) => !present.has(key));
		await this.queue.remove(added);
		return present;
	}

	/** The vendor accepted the unit. Written in the background, coalesced with other confirmations. */
	accepted(unit: LedgerUnit): void {
		const key = this.name('s', unit);
		this.confirmed.push(key);
		this.confirmWrites.push(this.queue.record([key]));
	}

	/** The vendor refused the unit (or it was never sent): let a later run try it again. */
	refused(unit: LedgerUnit): void {
		this.confirmWrites.push(this.queue.remove([this.name('c', unit)]));
	}

	/** Waits for every write and reads the confirmations back until another execution's write dropped none. */
	async flush(): Promise<void> {
		let writes = this.confirmWrites;
		this.confirmWrites = [];
		await Promise.all(writes);
		let keys = [...new Set(this.confirmed)];
		for (let round = 0; keys.length > 0 && round < MAX_CONFIRM_ROUNDS; round++) {
			await sleep(this.claimWaitMs());
			const present = await this.queue.record(keys);
			keys = keys.filter((key) => !present.has(key)); // re-written by this call; read once more
		}
		writes = this.confirmWrites;
		await Promise.all(writes);
	}
}

function sentBefore(): ClaimVerdict {
	return {
		send: false,
		ledger: 'sentBefore',
		message:
			'Not sent: this node sent the same order before and the vendor accepted it (to send it again, add its ID to Resend Order IDs)',
	};
}
