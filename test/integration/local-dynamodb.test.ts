/**
 * The local engine's DynamoDB (dynalite, patched: patches/dynalite+4.0.0.patch) parses an expression once
 * for its text, names and value types; every request is still evaluated, and checked, with its own values.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Endpoint, startEndpoint } from '../../local/endpoint.ts';

let endpoint: Endpoint;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
const TableName = `t-${randomUUID()}`;

beforeAll(async () => {
  endpoint = await startEndpoint({ port: 0, region: 'ap-southeast-1' });
  client = new DynamoDBClient({ endpoint: endpoint.url, region: 'ap-southeast-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  doc = DynamoDBDocumentClient.from(client);
  await client.send(
    new CreateTableCommand({
      TableName,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});
afterAll(async () => {
  client?.destroy();
  await endpoint?.close();
});

/** The same update each time: only the values differ. */
const raiseBelow = (pk: string, to: number, below: unknown, moreValues: Record<string, unknown> = {}) =>
  doc.send(
    new UpdateCommand({
      TableName,
      Key: { pk },
      UpdateExpression: 'SET #n = :to',
      ConditionExpression: '#n < :below',
      ExpressionAttributeNames: { '#n': 'n' },
      ExpressionAttributeValues: { ':to': to, ':below': below, ...moreValues },
    }),
  );
const n = async (pk: string) => (await doc.send(new GetCommand({ TableName, Key: { pk }, ConsistentRead: true }))).Item?.n;

describe('the local engine’s DynamoDB', () => {
  it('evaluates a repeated conditional update with each request’s own values', async () => {
    const pk = randomUUID();
    await doc.send(new PutCommand({ TableName, Item: { pk, n: 5 } }));
    await raiseBelow(pk, 6, 10);
    expect(await n(pk)).toBe(6);
    await expect(raiseBelow(pk, 7, 3)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    expect(await n(pk)).toBe(6);
    await raiseBelow(pk, 8, 100);
    expect(await n(pk)).toBe(8);
  });

  it('checks a repeated expression against the types of each request’s values', async () => {
    const pk = randomUUID();
    const add = (by: unknown) =>
      doc.send(
        new UpdateCommand({
          TableName,
          Key: { pk },
          UpdateExpression: 'ADD #c :by',
          ExpressionAttributeNames: { '#c': 'c' },
          ExpressionAttributeValues: { ':by': by },
        }),
      );
    await add(2);
    await add(3);
    await expect(add('three')).rejects.toThrow(/Incorrect operand type for operator or function; operator: ADD, operand type: STRING/);
    expect((await doc.send(new GetCommand({ TableName, Key: { pk }, ConsistentRead: true }))).Item?.c).toBe(5);
  });

  it('refuses a repeated expression sent with a value it does not use', async () => {
    const pk = randomUUID();
    await doc.send(new PutCommand({ TableName, Item: { pk, n: 1 } }));
    await raiseBelow(pk, 2, 10);
    await expect(raiseBelow(pk, 3, 10, { ':spare': 1 })).rejects.toThrow(/unused in expressions: keys: \{:spare\}/);
    expect(await n(pk)).toBe(2);
  });

  it('checks BETWEEN’s bounds with each request’s values', async () => {
    const pk = randomUUID();
    await doc.send(new PutCommand({ TableName, Item: { pk, n: 5 } }));
    const within = (lo: number, hi: number) =>
      doc.send(
        new UpdateCommand({
          TableName,
          Key: { pk },
          UpdateExpression: 'SET #m = :lo',
          ConditionExpression: '#n BETWEEN :lo AND :hi',
          ExpressionAttributeNames: { '#n': 'n', '#m': 'm' },
          ExpressionAttributeValues: { ':lo': lo, ':hi': hi },
        }),
      );
    await within(1, 9);
    await expect(within(9, 1)).rejects.toThrow(/upper bound to be greater than or equal to lower bound/);
    await expect(within(6, 9)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    await within(5, 5);
    expect((await doc.send(new GetCommand({ TableName, Key: { pk }, ConsistentRead: true }))).Item?.m).toBe(5);
  });
});
