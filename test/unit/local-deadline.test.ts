/** local/deadline.ts: an invocation's AWS calls after its deadline fail, as Lambda would have ended it. */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { endCallsAtDeadline, InvocationTimedOutError } from '../../local/deadline.ts';
import { invocation } from '../../local/metering.ts';

function client(): DynamoDBClient {
  // Nothing listens here: a call that gets past the guard fails on the network instead, and quickly.
  const c = new DynamoDBClient({
    endpoint: 'http://127.0.0.1:9',
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  endCallsAtDeadline(c);
  return c;
}
const get = new GetItemCommand({ TableName: 't', Key: { pk: { S: 'k' } } });

describe('endCallsAtDeadline', () => {
  it('fails a call made after its invocation’s deadline, before it leaves the process', async () => {
    const c = client();
    const call = invocation.run({ functionName: 'ndx-router', deadline: Date.now() - 1 }, () => c.send(get));
    await expect(call).rejects.toThrow(InvocationTimedOutError);
    await expect(invocation.run({ functionName: 'ndx-router', deadline: Date.now() - 1 }, () => c.send(get))).rejects.toThrow(
      /ndx-router ran past its timeout/,
    );
  });

  it('lets through calls before the deadline, calls of invocations without one, and calls outside any invocation', async () => {
    const c = client();
    for (const run of [
      () => invocation.run({ functionName: 'ndx-router', deadline: Date.now() + 60_000 }, () => c.send(get)),
      () => invocation.run({ functionName: 'ndx-router' }, () => c.send(get)),
      () => c.send(get),
    ]) {
      const error = await run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(InvocationTimedOutError); // it reached the network
    }
  });
});
