/**
 * n8n 2.41's deduplication store creates a node's row with a plain INSERT after finding none; two
 * queue-mode workers making their first ledger call at the same moment race, and one INSERT fails on
 * the primary key (seen in test/e2e/queue-scale.test.ts: "duplicate key value violates unique
 * constraint", the whole ODP node's output turned into errors). That call wrote nothing; the ledger
 * makes it again. Other store errors still surface.
 */
import { Ledger } from '../../nodes/shared/ledger';
import type { LedgerSettings } from '../../nodes/shared/ledger';
import { MemoryDedupStore } from '../helpers/dedup-store';

const settings: LedgerSettings = { forgetSentOrders: false, resendOrderIds: new Set(), resendInDoubt: false };
const unit = (orderId: string) => ({ orderId, key: `purchase|${orderId}` });

/** The memory store, whose first `failures` record calls fail like a lost INSERT race (writing nothing). */
function racingStore(failures: number, message: string) {
	const store = new MemoryDedupStore();
	const helpers = store.helpersFor('wf|n:node');
	let failed = 0;
	return {
		store,
		helpers: {
			...helpers,
			checkProcessedAndRecord: async (items: string[]) => {
				if (failed < failures) {
					failed++;
					throw new Error(message);
				}
				return helpers.checkProcessedAndRecord(items);
			},
		},
		failedCalls: () => failed,
	};
}

const PG_RACE = 'duplicate key value violates unique constraint "PK_ca04b9d8dc72de268fe07a65773"';

describe('ledger: the first-insert race of n8n\'s deduplication store', () => {
	it('a claim whose first store call lost the INSERT race is made again and succeeds', async () => {
		const { store, helpers, failedCalls } = racingStore(1, PG_RACE);
		const ledger = new Ledger(helpers as never, 'op|account', 'event', settings);
		expect(await ledger.claim([unit('1'), unit('2')])).toEqual([{ send: true }, { send: true }]);
		expect(failedCalls()).toBe(1);
		ledger.accepted(unit('1'));
		await ledger.flush();
		// Recorded for real: the next execution skips order 1.
		const next = new Ledger(store.helpersFor('wf|n:node') as never, 'op|account', 'event', settings);
		expect((await next.claim([unit('1')]))[0]).toMatchObject({ send: false, ledger: 'sentBefore' });
	});

	it('SQLite\'s wording of the same race is retried too', async () => {
		const { helpers } = racingStore(2, 'SQLITE_CONSTRAINT: UNIQUE constraint failed: processed_data.workflowId, processed_data.context');
		const ledger = new Ledger(helpers as never, 'op|account', 'event', settings);
		expect(await ledger.claim([unit('3')])).toEqual([{ send: true }]);
	});

	it('any other store error is not retried and reaches the caller', async () => {
		const { helpers, failedCalls } = racingStore(1, 'connection terminated unexpectedly');
		const ledger = new Ledger(helpers as never, 'op|account', 'event', settings);
		await expect(ledger.claim([unit('4')])).rejects.toThrow('connection terminated unexpectedly');
		expect(failedCalls()).toBe(1);
	});
});
