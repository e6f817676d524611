/**
 * The stewards' routes (area `steward`): the catalogue, a contract, a version, the diff, the
 * consumers report, and each lifecycle action (a GET shows what it does and asks to confirm, the POST
 * does it and redirects to the version). app.ts has already checked the session, the area and the
 * CSRF token; who may act on which contract is the domain's (domain/console/steward.ts).
 */
import type { HttpResponse } from '../../domain/api/http.ts';
import { ConcurrentChangeError, GovernanceError } from '../../domain/contracts/lifecycle-service.ts';
import {
  isStewardAction,
  isStewardRefusal,
  NotAllowedError,
  refusalOf,
  type StewardAction,
  type StewardDesk,
  StewardInputError,
  StewardNotFoundError,
  USAGE_DAYS,
} from '../../domain/console/steward.ts';
import type { ConsoleRoute, RouteContext } from '../app.ts';
import { htmlResponse, messagePage, redirect } from '../html.ts';
import { catalogPage, catalogPath, confirmActionPage, contractPage, diffPage, refusalPage, usagePage, versionPage } from '../pages/steward.ts';

const ID = '([a-z0-9][a-z0-9.-]{0,99})';
const VERSION = '(\\d{1,9}\\.\\d{1,9}\\.\\d{1,9})';
const ACTION = new RegExp(`^/console/catalog/${ID}/${VERSION}/([a-z-]{1,20})$`);

function notFound(ctx: RouteContext): HttpResponse {
  const m = ctx.c.m;
  return messagePage(ctx.c, 404, m.errors.notFoundTitle, m.errors.notFound, { href: catalogPath(), label: m.steward.title });
}

/** The pages a steward's mistake or a rule's refusal leads to: 404, 403, 400 or 409 with the reason, never a stack trace. */
function refused(ctx: RouteContext, error: unknown, back: string): HttpResponse {
  const m = ctx.c.m;
  const s = m.steward;
  if (error instanceof StewardNotFoundError) return notFound(ctx);
  if (error instanceof NotAllowedError) return messagePage(ctx.c, 403, s.notAllowedTitle, s.notAllowed[error.refusal], { href: back, label: s.back });
  if (error instanceof GovernanceError)
    return htmlResponse(
      409,
      refusalPage(
        ctx.c,
        s.refusedTitle,
        s.governanceText,
        error.message.split('\n')[0] ?? error.message,
        error.problems.map((p) => p.message),
        back,
      ),
    );
  if (error instanceof StewardInputError) return htmlResponse(400, refusalPage(ctx.c, s.inputTitle, s.inputText, error.message, [], back));
  if (isStewardRefusal(error) || error instanceof ConcurrentChangeError)
    return htmlResponse(409, refusalPage(ctx.c, s.refusedTitle, s.refusedText, error.message, [], back));
  throw error;
}

const dayOf = (d: Date) => d.toISOString().slice(0, 10);

export function stewardRoutes(desk: StewardDesk, clock: () => Date = () => new Date()): ConsoleRoute[] {
  return [
    {
      method: 'GET',
      pattern: /^\/console\/catalog$/,
      area: 'steward',
      handle: async (ctx) => htmlResponse(200, catalogPage(ctx.c, await desk.catalogue(ctx.principal))),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/console/catalog/${ID}$`),
      area: 'steward',
      handle: async (ctx, [, id = '']) => {
        try {
          return htmlResponse(200, contractPage(ctx.c, await desk.contract(ctx.principal, id)));
        } catch (error) {
          return refused(ctx, error, catalogPath());
        }
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/console/catalog/${ID}/diff$`),
      area: 'steward',
      handle: async (ctx, [, id = '']) => {
        try {
          const view = await desk.contract(ctx.principal, id);
          const versions = view.versions.map((v) => v.definition.version);
          const { from, to } = ctx.req.query;
          if (versions.length < 2) return htmlResponse(200, diffPage(ctx.c, view.contract, undefined));
          const diff = desk.diff(ctx.principal, id, from ?? versions.at(-2) ?? '', to ?? versions.at(-1) ?? '');
          return htmlResponse(200, diffPage(ctx.c, view.contract, diff));
        } catch (error) {
          return refused(ctx, error, catalogPath(id));
        }
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/console/catalog/${ID}/consumers$`),
      area: 'steward',
      handle: async (ctx, [, id = '']) => {
        try {
          const { from, to } = ctx.req.query;
          return htmlResponse(200, usagePage(ctx.c, await desk.usage(ctx.principal, id, { ...(from ? { from } : {}), ...(to ? { to } : {}) })));
        } catch (error) {
          return refused(ctx, error, `${catalogPath(id)}/consumers`);
        }
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/console/catalog/${ID}/${VERSION}$`),
      area: 'steward',
      handle: async (ctx, [, id = '', version = '']) => {
        try {
          const view = await desk.version(ctx.principal, id, version);
          const done = ctx.req.query.done;
          const flash = isStewardAction(done) ? ctx.c.m.steward.done[done] : undefined;
          return htmlResponse(200, versionPage(ctx.c, view, flash));
        } catch (error) {
          return refused(ctx, error, catalogPath(id));
        }
      },
    },
    {
      method: 'GET',
      pattern: ACTION,
      area: 'steward',
      handle: async (ctx, [, id = '', version = '', slug = '']) => {
        if (!isStewardAction(slug)) return notFound(ctx);
        const action: StewardAction = slug;
        try {
          const view = await desk.version(ctx.principal, id, version);
          const refusal = refusalOf(ctx.principal, view.contract, action);
          if (refusal) throw new NotAllowedError(refusal, refusal);
          // Not possible in this status (or already approved in that role): show where it stands.
          if (!view.actions.includes(action)) return redirect(catalogPath(id, version));
          const today = dayOf(clock());
          const usage =
            action === 'deprecate' || action === 'retire'
              ? await desk.usage(ctx.principal, id, { from: dayOf(new Date(clock().getTime() - USAGE_DAYS * 86_400_000)), to: today })
              : undefined;
          const early = action === 'retire' && view.status === 'deprecated' && view.sunset !== undefined && view.sunset > today;
          return htmlResponse(200, confirmActionPage(ctx.c, view, action, { today, early, ...(usage ? { usage } : {}) }));
        } catch (error) {
          return refused(ctx, error, catalogPath(id, version));
        }
      },
    },
    {
      method: 'POST',
      pattern: ACTION,
      area: 'steward',
      handle: async (ctx, [, id = '', version = '', slug = '']) => {
        if (!isStewardAction(slug)) return notFound(ctx);
        try {
          const sunset = ctx.form.get('sunset') ?? undefined;
          const reason = ctx.form.get('reason') ?? undefined;
          await desk.act(ctx.principal, id, version, slug, { ...(sunset !== undefined ? { sunset } : {}), ...(reason !== undefined ? { reason } : {}) });
          return redirect(`${catalogPath(id, version)}?done=${slug}`);
        } catch (error) {
          return refused(ctx, error, catalogPath(id, version));
        }
      },
    },
  ];
}
