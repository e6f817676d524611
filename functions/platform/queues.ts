/** Sending JSON to ndx queues by name. Queue URLs are looked up once per process and cached. */
import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export class Queues {
  private readonly sqs: SQSClient;
  private readonly urls = new Map<string, Promise<string>>();

  constructor(sqs: SQSClient) {
    this.sqs = sqs;
  }

  url(name: string): Promise<string> {
    let url = this.urls.get(name);
    if (!url) {
      url = this.sqs.send(new GetQueueUrlCommand({ QueueName: name })).then((o) => {
        if (!o.QueueUrl) throw new Error(`queue ${name} has no URL`);
        return o.QueueUrl;
      });
      url.catch(() => this.urls.delete(name));
      this.urls.set(name, url);
    }
    return url;
  }

  async sendJson(queueName: string, body: unknown): Promise<string> {
    const out = await this.sqs.send(new SendMessageCommand({ QueueUrl: await this.url(queueName), MessageBody: JSON.stringify(body) }));
    return out.MessageId ?? '';
  }
}
