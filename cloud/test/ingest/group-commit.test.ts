import { describe, expect, it } from 'vitest';
import { GroupCommitter, type CommitJob } from '../../src/ingest/group-commit.js';
import type { Transaction } from '../../src/ledger/transactions.js';
import type { ApplyResult } from '../../src/ledger/state.js';

/** A fake store: records each batch; fails a batch holding a poison id, or the first N calls as "busy". */
function fakeStore(options: { poisonIds?: string[]; busyCalls?: number } = {}) {
  const batches: string[][] = [];
  let busyLeft = options.busyCalls ?? 0;
  return {
    batches,
    async applyBatch(transactions: readonly Transaction[]): Promise<ApplyResult[]> {
      await Promise.resolve();
      if (busyLeft > 0) {
        busyLeft--;
        throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      }
      const ids = transactions.map((transaction) => String(transaction.id));
      if (ids.some((id) => options.poisonIds?.includes(id))) throw new Error('invariant violated');
      batches.push(ids);
      return ids.map((id) => ({ id, status: 'applied', changes: [] }) as unknown as ApplyResult);
    },
  };
}

function job(ids: string[], log: string[]): CommitJob {
  return {
    transactions: ids.map((id) => ({ id, type: 'adjustment' }) as unknown as Transaction),
    committed: (results, poisoned) => {
      for (const { transaction } of poisoned) log.push(`poison:${String(transaction.id)}`);
      log.push(`ok:${results.map((result) => result.id).join('+') || '-'}`);
    },
  };
}

function committer(
  store: ReturnType<typeof fakeStore>,
  limits: Partial<{ tx: number; msgs: number; queue: number }> = {},
) {
  return new GroupCommitter(
    {
      batchTransactionsMax: limits.tx ?? 100,
      batchMessagesMax: limits.msgs ?? 100,
      queueMessagesMax: limits.queue ?? 1_000,
    },
    {
      applyBatch: (transactions) => store.applyBatch(transactions),
      isRetryable: (error) => (error as { code?: string }).code === 'SQLITE_BUSY',
      backoff: async () => true,
    },
  );
}

describe('group commit', () => {
  it('commits queued messages in one store transaction and acks them in arrival order', async () => {
    const store = fakeStore();
    const commits = committer(store);
    const log: string[] = [];
    for (const id of ['a', 'b', 'c']) void commits.submit(job([id], log));
    void commits.submit(job([], log)); // a dead-lettered message still acks in its place
    await commits.idle();
    expect(log).toEqual(['ok:a', 'ok:b', 'ok:c', 'ok:-']);
    // Draining starts a turn of the event loop later: everything queued by then shares one transaction.
    expect(store.batches).toEqual([['a', 'b', 'c']]);
  });

  it.each([
    {
      name: 'transactions per batch',
      limits: { tx: 2 },
      expected: [
        ['a', 'b'],
        ['c', 'd'],
      ],
    },
    { name: 'messages per batch', limits: { msgs: 1 }, expected: [['a'], ['b'], ['c'], ['d']] },
  ])('respects the limit on $name', async ({ limits, expected }) => {
    const store = fakeStore();
    const commits = committer(store, limits);
    const log: string[] = [];
    for (const id of ['a', 'b', 'c', 'd']) void commits.submit(job([id], log));
    await commits.idle();
    expect(store.batches).toEqual(expected);
  });

  it('isolates a poison transaction: the rest of its message and the other messages commit, order kept', async () => {
    const store = fakeStore({ poisonIds: ['p'] });
    const commits = committer(store);
    const log: string[] = [];
    for (const ids of [['a'], ['b'], ['p', 'q'], ['c']]) void commits.submit(job(ids, log));
    await commits.idle();
    expect(log).toEqual(['ok:a', 'ok:b', 'poison:p', 'ok:q', 'ok:c']);
    expect(store.batches.flat().sort()).toEqual(['a', 'b', 'c', 'q']);
  });

  it('retries an unavailable store with the same batch, acking only after it commits', async () => {
    const store = fakeStore({ busyCalls: 3 });
    const commits = committer(store);
    const log: string[] = [];
    void commits.submit(job(['a'], log));
    await commits.idle();
    expect(log).toEqual(['ok:a']);
    expect(store.batches).toEqual([['a']]);
  });

  it('leaves the batch un-acked when the store stays down while stopping', async () => {
    const store = fakeStore({ busyCalls: 1_000 });
    const log: string[] = [];
    const commits = new GroupCommitter(
      { batchTransactionsMax: 10, batchMessagesMax: 10, queueMessagesMax: 10 },
      {
        applyBatch: (transactions) => store.applyBatch(transactions),
        isRetryable: () => true,
        backoff: async (attempt) => attempt < 2,
      },
    );
    void commits.submit(job(['a'], log));
    await commits.idle();
    expect(log).toEqual([]);
  });

  it('lets prepareBatch replace transactions before the batch commits, and leave the batch un-acked', async () => {
    const store = fakeStore();
    const log: string[] = [];
    const prepared: number[] = [];
    let refuse = false;
    const commits = new GroupCommitter(
      { batchTransactionsMax: 10, batchMessagesMax: 10, queueMessagesMax: 10 },
      {
        applyBatch: (transactions) => store.applyBatch(transactions),
        isRetryable: () => false,
        backoff: async () => true,
        prepareBatch: async (batch) => {
          prepared.push(batch.length);
          if (refuse) return false;
          for (const each of batch)
            each.transactions = each.transactions.map((t) => ({ ...t, id: `${String(t.id)}!` }) as Transaction);
          return true;
        },
      },
    );
    for (const id of ['a', 'b']) void commits.submit(job([id], log));
    await commits.idle();
    expect(prepared).toEqual([2]);
    expect(store.batches).toEqual([['a!', 'b!']]);
    expect(log).toEqual(['ok:a!', 'ok:b!']);
    refuse = true;
    void commits.submit(job(['c'], log));
    await commits.idle();
    expect(store.batches).toHaveLength(1);
    expect(log).toHaveLength(2);
  });

  it('applies back-pressure: submit waits while the queue is full', async () => {
    const store = fakeStore();
    const commits = committer(store, { queue: 2 });
    const log: string[] = [];
    const first = commits.submit(job(['a'], log));
    const second = commits.submit(job(['b'], log));
    const third = commits.submit(job(['c'], log));
    await Promise.all([first, second, third]);
    await commits.idle();
    expect(log).toEqual(['ok:a', 'ok:b', 'ok:c']);
  });
});
