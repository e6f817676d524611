/**
 * Counting the AWS operations ndx makes, by stage: every SDK command is attributed to the local
 * function invocation it runs in (router, adapter-<registry>) or to `client` outside any. Used by the
 * benchmark and by the budget tests that keep the work per lookup from growing.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** The function invocation the current async context belongs to (set by the local event source mappings). */
export const invocation = new AsyncLocalStorage<{ functionName: string /** Epoch ms the invocation times out at (local/deadline.ts). */; deadline?: number }>();

export type OperationCounts = Map<string, number>;

/** The part of an SDK client's middleware stack metering uses (typed loosely: clients differ in input types). */
interface MeterableStack {
  add: (
    middleware: (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => (args: unknown) => Promise<unknown>,
    options: { step: 'initialize'; name: string; override?: boolean },
  ) => void;
}

/** The maps `meter` counts into, by the metered client's service ('SQS', 'DynamoDB'): calls made without a client count there too. */
const meteredServices = new Map<string, Set<OperationCounts>>();

/**
 * Counts a call the local engine makes without an SDK client (its event source pollers receive from and
 * delete on the queues in process) as that client's command would be counted, in every map given to
 * `meter` with a client of that service: it is still a request AWS would bill.
 */
export function countLocalCall(service: 'SQS' | 'DynamoDB', command: string): void {
  const key = `${invocation.getStore()?.functionName ?? 'client'} ${service}.${command}`;
  for (const counts of meteredServices.get(service) ?? []) counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Counts every command sent through `client` into `counts`, keyed `<stage> <Client>.<Command>`. */
export function meter(client: { middlewareStack: object; config?: { serviceId?: string } }, counts: OperationCounts): void {
  const service = client.config?.serviceId;
  if (service) meteredServices.set(service, (meteredServices.get(service) ?? new Set()).add(counts));
  (client.middlewareStack as MeterableStack).add(
    (next, context) => async (args) => {
      const stage = invocation.getStore()?.functionName ?? 'client';
      const key = `${stage} ${(context.clientName ?? 'Client').replace(/Client$/, '')}.${(context.commandName ?? 'Command').replace(/Command$/, '')}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'ndxMeter', override: true },
  );
}

/** A DynamoDB attribute value as the wire carries it (marshalled). */
type AttributeValue = {
  S?: string;
  N?: string;
  B?: Uint8Array | string;
  BOOL?: boolean;
  NULL?: boolean;
  L?: AttributeValue[];
  M?: Record<string, AttributeValue>;
  SS?: string[];
  NS?: string[];
  BS?: Uint8Array[];
};

function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return Buffer.byteLength(v.S, 'utf8');
  if (v.N !== undefined) return Math.ceil(v.N.replace(/^-/, '').replace(/^0+|\.|e.*$/gi, '').length / 2) + 1;
  if (v.B !== undefined) return typeof v.B === 'string' ? Buffer.byteLength(v.B, 'base64') : v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS) return v.SS.reduce((n, s) => n + Buffer.byteLength(s, 'utf8'), 0);
  if (v.NS) return v.NS.reduce((n, s) => n + valueSize({ N: s }), 0);
  if (v.BS) return v.BS.reduce((n, b) => n + b.byteLength, 0);
  if (v.L) return 3 + v.L.reduce((n, x) => n + 1 + valueSize(x), 0);
  if (v.M) return 3 + Object.entries(v.M).reduce((n, [k, x]) => n + 1 + Buffer.byteLength(k, 'utf8') + valueSize(x), 0);
  return 0;
}

/**
 * The size DynamoDB bills an item at: the UTF-8 length of each attribute name plus its value (strings
 * in UTF-8, numbers about one byte per two digits plus one, lists and maps 3 bytes plus one per element).
 */
export function itemSize(item: Readonly<Record<string, AttributeValue>>): number {
  return Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k, 'utf8') + valueSize(v), 0);
}

/** A table's keys and its global secondary indexes' keys and projections, from DescribeTable. */
interface TableShape {
  keys: string[];
  indexes: Array<{ name: string; keys: string[]; projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; include: string[] }>;
}

/** The index entry of an item (undefined when the item lacks the index's keys: a sparse index). */
export function indexEntry(
  item: Readonly<Record<string, AttributeValue>>,
  table: TableShape,
  index: TableShape['indexes'][number],
): Record<string, AttributeValue> | undefined {
  if (!index.keys.every((k) => item[k] !== undefined)) return undefined;
  if (index.projection === 'ALL') return { ...item };
  const names = new Set([...table.keys, ...index.keys, ...(index.projection === 'INCLUDE' ? index.include : [])]);
  return Object.fromEntries(Object.entries(item).filter(([k]) => names.has(k)));
}

/** DynamoDB's storage overhead per item, in the table and in each index. */
export const ITEM_OVERHEAD_BYTES = 100;

type Describe = (table: string) => Promise<TableShape>;

function describer(client: { send: (command: never) => Promise<unknown> }): Describe {
  const shapes = new Map<string, Promise<TableShape>>();
  return (table) => {
    let shape = shapes.get(table);
    if (!shape) {
      shape = (async () => {
        const { DescribeTableCommand } = await import('@aws-sdk/client-dynamodb');
        const out = (await client.send(new DescribeTableCommand({ TableName: table }) as never)) as {
          Table?: {
            KeySchema?: Array<{ AttributeName?: string }>;
            GlobalSecondaryIndexes?: Array<{
              IndexName?: string;
              KeySchema?: Array<{ AttributeName?: string }>;
              Projection?: { ProjectionType?: string; NonKeyAttributes?: string[] };
            }>;
          };
        };
        const keysOf = (ks?: Array<{ AttributeName?: string }>) => (ks ?? []).map((k) => k.AttributeName ?? '');
        return {
          keys: keysOf(out.Table?.KeySchema),
          indexes: (out.Table?.GlobalSecondaryIndexes ?? []).map((g) => ({
            name: g.IndexName ?? '',
            keys: keysOf(g.KeySchema),
            projection: (g.Projection?.ProjectionType ?? 'ALL') as 'ALL' | 'KEYS_ONLY' | 'INCLUDE',
            include: g.Projection?.NonKeyAttributes ?? [],
          })),
        };
      })();
      shapes.set(table, shape);
    }
    return shape;
  };
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
const READS = new Set(['GetItem', 'BatchGetItem', 'Query']);

/**
 * Counts the write units every write through `client` consumes, into `units` keyed `<stage> <table>`
 * (and `<stage> <table>/<index>` for what its global secondary indexes take). The base table's units
 * come from the engine (ReturnConsumedCapacity: the larger of the item before and after, per KB); an
 * index's are its entry's size per KB for a put that carries the index's keys, and, for an update, the
 * table's units when the index projects every attribute (an update of keys-only indexes' non-key
 * attributes writes nothing there). Failed conditional writes cost a unit each and are counted too.
 */
export function meterWriteUnits(
  client: { middlewareStack: object; send: (command: never) => Promise<unknown> },
  units: OperationCounts,
  /** Read units (from the engine's consumed capacity), keyed `<stage> <table>`, when given. */
  readUnits?: OperationCounts,
): void {
  const describe = describer(client);
  const add = (key: string, n: number) => units.set(key, (units.get(key) ?? 0) + n);
  const stack = client.middlewareStack as {
    add: (
      middleware: (
        next: (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>,
        context: { commandName?: string },
      ) => (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>,
      options: { step: 'initialize' | 'build'; name: string; override?: boolean },
    ) => void;
  };
  // Ask for the consumed capacity (before the document client marshalls: it passes the field through).
  stack.add(
    (next, context) => async (args) => {
      const command = (context.commandName ?? '').replace(/Command$/, '');
      if ((WRITES.has(command) || (readUnits && READS.has(command))) && args.input.ReturnConsumedCapacity === undefined)
        args.input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      if (readUnits && READS.has(command)) {
        const stage = invocation.getStore()?.functionName ?? 'client';
        const consumed = result.output.ConsumedCapacity as
          | { TableName?: string; CapacityUnits?: number }
          | Array<{ TableName?: string; CapacityUnits?: number }>
          | undefined;
        for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
          const key = `${stage} ${c.TableName ?? String(args.input.TableName)}`;
          readUnits.set(key, (readUnits.get(key) ?? 0) + (c.CapacityUnits ?? 0));
        }
      }
      return result;
    },
    { step: 'initialize', name: 'ndxWriteUnitsAsk', override: true },
  );
  // Count, from the marshalled input (build step) and the output.
  stack.add(
    (next, context) => async (args) => {
      const command = (context.commandName ?? '').replace(/Command$/, '');
      if (!WRITES.has(command)) return next(args);
      const stage = invocation.getStore()?.functionName ?? 'client';
      const table = String(args.input.TableName);
      const shape = await describe(table);
      let tableUnits = 1;
      try {
        const result = await next(args);
        const consumed = result.output.ConsumedCapacity as { CapacityUnits?: number } | undefined;
        tableUnits = consumed?.CapacityUnits ?? 1;
        return result;
      } finally {
        add(`${stage} ${table}`, tableUnits);
        for (const index of shape.indexes) {
          if (command === 'PutItem') {
            const entry = indexEntry(args.input.Item as Record<string, AttributeValue>, shape, index);
            if (entry) add(`${stage} ${table}/${index.name}`, Math.ceil(itemSize(entry) / 1024));
          } else if (command === 'UpdateItem' && index.projection === 'ALL') {
            add(`${stage} ${table}/${index.name}`, tableUnits);
          }
        }
      }
    },
    { step: 'build', name: 'ndxWriteUnits', override: true },
  );
}

/**
 * What a table stores, by DynamoDB's rules: each item's size plus 100 bytes, and each index entry's
 * size plus 100 bytes. `filter` picks the items counted (e.g. one run's records).
 */
export async function tableStorage(
  client: { send: (command: never) => Promise<unknown> },
  table: string,
  filter: (item: Readonly<Record<string, AttributeValue>>) => boolean = () => true,
): Promise<{ items: number; tableBytes: number; indexBytes: Record<string, number> }> {
  const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
  const shape = await describer(client)(table);
  const out = { items: 0, tableBytes: 0, indexBytes: Object.fromEntries(shape.indexes.map((i) => [i.name, 0])) as Record<string, number> };
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = (await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start as never }) as never)) as {
      Items?: Array<Record<string, AttributeValue>>;
      LastEvaluatedKey?: Record<string, AttributeValue>;
    };
    for (const item of page.Items ?? []) {
      if (!filter(item)) continue;
      out.items++;
      out.tableBytes += itemSize(item) + ITEM_OVERHEAD_BYTES;
      for (const index of shape.indexes) {
        const entry = indexEntry(item, shape, index);
        if (entry) out.indexBytes[index.name] = (out.indexBytes[index.name] ?? 0) + itemSize(entry) + ITEM_OVERHEAD_BYTES;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}
