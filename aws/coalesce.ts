/**
 * Group commit for AWS calls: requests made while the process is still handling a burst of I/O
 * completions are gathered and carried out together, in one batch call, once the event loop has
 * handled every completion ready now (`setImmediate`).
 *
 * A lone request leaves at the next turn of the loop without waiting for company, so an idle
 * function pays nothing; under load, the records of one SQS batch (which Powertools processes in
 * parallel) reach the same step together and share one `SendMessageBatch` or `BatchGetItem`.
 * Each caller gets its own outcome: one failed entry rejects only its caller.
 */

/** Carries out a batch; returns, in order, each item's result or the Error that failed it. */
export type BatchRunner<I, O> = (items: readonly I[]) => Promise<ReadonlyArray<O | Error>>;

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export class Coalescer<I, O> {
  private readonly run: BatchRunner<I, O>;
  private readonly maxBatch: number;
  private pending: Pending<I, O>[] = [];
  private scheduled = false;

  /** `maxBatch`: the most items one call of `run` takes (10 for SendMessageBatch, 100 for BatchGetItem). */
  constructor(run: BatchRunner<I, O>, maxBatch: number) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError('maxBatch must be a positive integer');
    this.run = run;
    this.maxBatch = maxBatch;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Nothing waits to be sent. */
  get idle(): boolean {
    return this.pending.length === 0 && !this.scheduled;
  }

  private flush(): void {
    const batch = this.pending.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.run(batch.map((p) => p.item)).then(
      (results) => {
        batch.forEach((p, i) => {
          const r = results[i];
          if (r instanceof Error) p.reject(r);
          else if (i >= results.length) p.reject(new Error('batch call returned no result for this item'));
          else p.resolve(r as O);
        });
      },
      (error: unknown) => {
        for (const p of batch) p.reject(error);
      },
    );
  }
}

/** One coalescer per key (a queue URL, a table name), made on first use. */
export class CoalescerMap<I, O> {
  private readonly byKey = new Map<string, Coalescer<I, O>>();
  private readonly make: (key: string) => Coalescer<I, O>;

  constructor(make: (key: string) => Coalescer<I, O>) {
    this.make = make;
  }

  submit(key: string, item: I): Promise<O> {
    let coalescer = this.byKey.get(key);
    if (!coalescer) {
      coalescer = this.make(key);
      this.byKey.set(key, coalescer);
    }
    const result = coalescer.submit(item);
    // Keys come and go (a rate-limit window per minute): an idle coalescer is dropped, not kept forever.
    const forget = () => {
      if (coalescer.idle && this.byKey.get(key) === coalescer) this.byKey.delete(key);
    };
    result.then(forget, forget);
    return result;
  }

  /** Keys with a coalescer (for tests: idle ones are dropped). */
  get size(): number {
    return this.byKey.size;
  }
}
