/** The operators' routes: health, a queue's dead letters, their redrive (confirm, then post), lookups over time, audit verification. */
import type { HttpResponse } from '../../domain/api/http.ts';
import { type OperatorDesk, UnknownQueueError } from '../../domain/console/operator.ts';
import type { RedriveResult } from '../../domain/ops/queues.ts';
import type { ConsoleRoute, RouteContext } from '../app.ts';
import { htmlResponse, messagePage, redirect } from '../html.ts';
import type { Messages } from '../i18n.ts';
import { activityPage, auditPage, deadLettersPage, healthPage, redriveConfirmPage } from '../pages/operator.ts';

/** A queue's name as ndx names them (the desk checks it is one of the platform's). */
const QUEUE = '(ndx-[a-z0-9-]{1,70})';
const DLQ_PAGE = new RegExp(`^/console/ops/dlq/${QUEUE}$`);
const REDRIVE = new RegExp(`^/console/ops/dlq/${QUEUE}/redrive$`);

function unknownQueue(ctx: RouteContext) {
  const m = ctx.c.m;
  return messagePage(ctx.c, 404, m.errors.notFoundTitle, m.errors.notFound, { href: '/console/ops', label: m.ops.dlq.back });
}

async function known<T>(ctx: RouteContext, run: () => Promise<T>, then: (v: T) => HttpResponse): Promise<HttpResponse> {
  try {
    return await then(await run());
  } catch (error) {
    if (error instanceof UnknownQueueError) return unknownQueue(ctx);
    throw error;
  }
}

/** The query of the page a redrive redirects to: what happened, in figures (no free text in the URL). */
export function redriveQuery(r: RedriveResult): string {
  return new URLSearchParams({ done: 'redrive', status: r.status, moved: String(r.moved), failed: String(r.failed) }).toString();
}

/** The flash a redrive's query shows; anything else shows nothing. */
export function redriveFlash(m: Messages, queue: string, q: Readonly<Record<string, string | undefined>>): { text: string; tone: 'ok' | 'warn' } | undefined {
  if (q.done !== 'redrive') return undefined;
  const moved = Number(q.moved);
  const failed = Number(q.failed);
  if (!Number.isInteger(moved) || moved < 0 || !Number.isInteger(failed) || failed < 0) return undefined;
  const t = m.ops.redrive;
  if (q.status === 'NOTHING_TO_MOVE') return { text: t.nothing, tone: 'ok' };
  if (q.status === 'RUNNING') return { text: t.running(moved), tone: 'warn' };
  return failed > 0 ? { text: `${t.moved(moved, queue)} ${t.partial(failed)}`, tone: 'warn' } : { text: t.moved(moved, queue), tone: 'ok' };
}

export function operatorRoutes(desk: OperatorDesk): ConsoleRoute[] {
  return [
    {
      method: 'GET',
      pattern: /^\/console\/ops$/,
      area: 'operator',
      handle: async (ctx) => htmlResponse(200, healthPage(ctx.c, await desk.health())),
    },
    {
      method: 'GET',
      pattern: DLQ_PAGE,
      area: 'operator',
      handle: (ctx, [, name = '']) =>
        known(
          ctx,
          () => desk.deadLetters(name),
          (view) => htmlResponse(200, deadLettersPage(ctx.c, view, redriveFlash(ctx.c.m, view.queue.name, ctx.req.query))),
        ),
    },
    {
      method: 'GET',
      pattern: REDRIVE,
      area: 'operator',
      handle: (ctx, [, name = '']) =>
        known(
          ctx,
          () => desk.deadLetters(name),
          // Nothing to move: back to the queue's page, which says so.
          (view) => (view.depth === 0 ? redirect(`/console/ops/dlq/${view.queue.name}`) : htmlResponse(200, redriveConfirmPage(ctx.c, view))),
        ),
    },
    {
      method: 'POST',
      pattern: REDRIVE,
      area: 'operator',
      handle: (ctx, [, name = '']) =>
        known(
          ctx,
          () => desk.redrive(name),
          (result) => redirect(`/console/ops/dlq/${result.queue}?${redriveQuery(result)}`),
        ),
    },
    {
      method: 'GET',
      pattern: /^\/console\/ops\/activity$/,
      area: 'operator',
      handle: async (ctx) => htmlResponse(200, activityPage(ctx.c, await desk.activity())),
    },
    {
      method: 'GET',
      pattern: /^\/console\/ops\/audit$/,
      area: 'operator',
      handle: async (ctx) => htmlResponse(200, auditPage(ctx.c, await desk.audit())),
    },
  ];
}
