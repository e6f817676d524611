/** The citizen's routes: the trail, the consents, and a change to one of them (confirm, then post). */
import { ConsentTransitionError } from '../../domain/consent/service.ts';
import { type CitizenDesk, NotYoursError } from '../../domain/console/citizen.ts';
import type { ConsoleRoute, RouteContext } from '../app.ts';
import { htmlResponse, messagePage, redirect } from '../html.ts';
import { ACTION_SLUGS, confirmPage, consentsPage, trailPage } from '../pages/citizen.ts';

const CONSENT_ACTION = /^\/console\/me\/consents\/([\w:-]{1,100})\/(pause|resume|revoke)$/;

function notFound(ctx: RouteContext) {
  const m = ctx.c.m;
  return messagePage(ctx.c, 404, m.errors.notFoundTitle, m.errors.notFound, { href: '/console/me/consents', label: m.consents.title });
}

export function citizenRoutes(desk: CitizenDesk): ConsoleRoute[] {
  return [
    {
      method: 'GET',
      pattern: /^\/console\/me$/,
      area: 'citizen',
      // Any query (e.g. ?subject=... or ?nationalId=...) is ignored: the subject is the session's.
      handle: async (ctx) => htmlResponse(200, trailPage(ctx.c, await desk.trail(ctx.principal))),
    },
    {
      method: 'GET',
      pattern: /^\/console\/me\/consents$/,
      area: 'citizen',
      handle: async (ctx) => {
        const done = ctx.req.query.done;
        const flash = done && done in ctx.c.m.changed ? ctx.c.m.changed[done as keyof typeof ctx.c.m.changed] : undefined;
        return htmlResponse(200, consentsPage(ctx.c, await desk.consents(ctx.principal), flash));
      },
    },
    {
      method: 'GET',
      pattern: CONSENT_ACTION,
      area: 'citizen',
      handle: async (ctx, [, id = '', slug = '']) => {
        const change = ACTION_SLUGS[slug];
        try {
          const view = await desk.consent(ctx.principal, id);
          if (!change || !view.actions.includes(change)) return redirect(`/console/me/consents#${id}`);
          return htmlResponse(200, confirmPage(ctx.c, view, change));
        } catch (error) {
          if (error instanceof NotYoursError) return notFound(ctx);
          throw error;
        }
      },
    },
    {
      method: 'POST',
      pattern: CONSENT_ACTION,
      area: 'citizen',
      handle: async (ctx, [, id = '', slug = '']) => {
        const change = ACTION_SLUGS[slug];
        if (!change) return notFound(ctx);
        try {
          await desk.change(ctx.principal, id, change);
          return redirect(`/console/me/consents?done=${change}#${id}`);
        } catch (error) {
          if (error instanceof NotYoursError) return notFound(ctx);
          // Already in that state (e.g. a second click, or revoked meanwhile): show where it stands.
          if (error instanceof ConsentTransitionError) return redirect(`/console/me/consents#${id}`);
          throw error;
        }
      },
    },
  ];
}
