/**
 * One local endpoint for DynamoDB (dynalite) and SQS (local-aws-sqs), in the style of LocalStack:
 * both run in this process behind a single HTTP port, and each request goes to the service its
 * target header names (`X-Amz-Target: DynamoDB_20120810.*` or `AmazonSQS.*`), or, for the SQS query
 * protocol that the AWS CLI and older SDKs use, to SQS by its form-encoded `Action`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message } from '@aws-sdk/client-sqs';
import dynalite from 'dynalite';
import { createRequestHandler } from 'local-aws-sqs';
import { LOCAL_ACCOUNT_ID, LOCAL_ENGINE_MARK } from '../config/local.ts';

export interface EndpointOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  region: string;
  /** Folder for DynamoDB data that survives restarts; in memory when absent. */
  dataDir?: string;
}

/**
 * The SQS queues this endpoint serves, for the engine's event source mappings, which stand in for Lambda's
 * pollers: those run in the Lambda service, not in the function, so locally they call the queues in process
 * rather than through the SDK and HTTP (with the same queue semantics: visibility, receive counts, redrive).
 */
export interface LocalQueues {
  /** Like ReceiveMessage with every system attribute: at most `max` (up to 10) messages, waiting up to `waitSeconds` for one. */
  receive(queueName: string, input: { max: number; waitSeconds: number }): Promise<Message[]>;
  /** Like DeleteMessageBatch; a receipt handle that is stale or not the queue's deletes nothing. */
  delete(queueName: string, receiptHandles: readonly string[]): void;
}

export interface Endpoint {
  url: string;
  port: number;
  queues: LocalQueues;
  /** Serves requests whose path starts with one of `prefixes` (e.g. the agency HTTP API's /v1/) by `listener`. */
  mount(prefixes: readonly string[], listener: http.RequestListener): void;
  close(): Promise<void>;
}

type Service = 'dynamodb' | 'sqs';

/** A message as local-aws-sqs keeps it. */
interface QueueRecord {
  MessageId: string;
  ReceiptHandle: string;
  MessageBody: string;
  MD5OfMessageBody: string;
  attributes: Record<string, string>;
}

/** Which service a request is for, from its headers alone. */
export function serviceOf(headers: http.IncomingHttpHeaders): Service | undefined {
  const target = String(headers['x-amz-target'] ?? '');
  if (target.startsWith('DynamoDB')) return 'dynamodb';
  if (target.startsWith('AmazonSQS')) return 'sqs';
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([a-z0-9-]+)\//.exec(String(headers.authorization ?? ''))?.[1];
  if (scope === 'dynamodb' || scope === 'sqs') return scope;
  if (String(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return 'sqs';
  return undefined;
}

export async function startEndpoint(options: EndpointOptions): Promise<Endpoint> {
  const host = options.host ?? '127.0.0.1';
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.dataDir ? { path: options.dataDir } : {}) });
  const dynamoHandler = dynamo.listeners('request')[0] as http.RequestListener;
  // dynalite closes its database when its own server closes, so it listens too (on a private port).
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', () => resolve()));
  let sqsHandler: http.RequestListener | undefined;
  const mounts: Array<{ prefixes: readonly string[]; listener: http.RequestListener }> = [];

  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url?.startsWith('/_ndx/health')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ engine: LOCAL_ENGINE_MARK, services: { dynamodb: 'running', sqs: 'running' } }));
      return;
    }
    const mounted = mounts.find((m) => m.prefixes.some((p) => req.url?.startsWith(p)));
    if (mounted && !req.headers['x-amz-target']) return mounted.listener(req, res);
    const service = serviceOf(req.headers);
    if (service === 'dynamodb') return dynamoHandler(req, res);
    if (service === 'sqs' && sqsHandler) return sqsHandler(req, res);
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'ndx local endpoint serves DynamoDB and SQS; send an AWS SDK request with an X-Amz-Target header.' }));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const sqs = createRequestHandler({
    port,
    hostname: 'localhost',
    region: options.region,
    accountId: LOCAL_ACCOUNT_ID,
    emulateQueueCreationLifecycle: false,
  });
  sqsHandler = (req, res) => void sqs.requestHandler(req, res);
  const queue = (name: string) => {
    const found = sqs.service.Queues.find((q) => q.QueueName === name);
    if (!found || sqs.service.deletingQueues.has(name)) throw new Error(`The specified queue does not exist: ${name}`);
    return found;
  };
  const queues: LocalQueues = {
    async receive(name, { max, waitSeconds }) {
      const records = (await queue(name).receive({ MaxNumberOfMessages: Math.min(10, max), WaitTimeSeconds: waitSeconds })) as QueueRecord[];
      return records.map((r) => ({
        MessageId: r.MessageId,
        ReceiptHandle: r.ReceiptHandle,
        Body: r.MessageBody,
        MD5OfBody: r.MD5OfMessageBody,
        Attributes: r.attributes,
      }));
    },
    delete(name, receiptHandles) {
      const q = queue(name);
      for (const handle of receiptHandles) {
        try {
          q.delete(handle);
        } catch {
          // not a receipt handle of this queue: DeleteMessageBatch reports it as that entry's failure
        }
      }
    },
  };

  return {
    url: `http://localhost:${port}`,
    port,
    queues,
    mount(prefixes, listener) {
      mounts.push({ prefixes, listener });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve, reject) => dynamo.close((err?: Error) => (err ? reject(err) : resolve())));
    },
  };
}
