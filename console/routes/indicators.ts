/** The officials' routes (area `indicators`): the list of indicators and one indicator's dashboard. */
import { NoIndicatorError, type OfficialDesk } from '../../domain/console/indicators.ts';
import type { ConsoleRoute } from '../app.ts';
import { htmlResponse, messagePage } from '../html.ts';
import { dashboardPage, indicatorPath, indicatorsPage } from '../pages/indicators.ts';

const ID = '([a-z][a-z0-9.-]{0,99})';
const PERIOD = /^\d{4}(-(0[1-9]|1[0-2]))?$/;

export function indicatorRoutes(desk: OfficialDesk): ConsoleRoute[] {
  return [
    {
      method: 'GET',
      pattern: /^\/console\/indicators$/,
      area: 'indicators',
      handle: async (ctx) => htmlResponse(200, indicatorsPage(ctx.c, await desk.index())),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/console/indicators/${ID}$`),
      area: 'indicators',
      handle: async (ctx, [, id = '']) => {
        const wanted = ctx.req.query.period;
        try {
          const d = await desk.dashboard(id, wanted && PERIOD.test(wanted) ? wanted : undefined, ctx.c.m.lang === 'en' ? 'en' : 'vi');
          return htmlResponse(200, dashboardPage(ctx.c, d));
        } catch (error) {
          if (!(error instanceof NoIndicatorError)) throw error;
          const m = ctx.c.m;
          return messagePage(ctx.c, 404, m.errors.notFoundTitle, m.errors.notFound, { href: indicatorPath(), label: m.indicators.back });
        }
      },
    },
  ];
}
