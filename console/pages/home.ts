/** The console's front page: who it is for, and the two ways in (citizens, staff). */
import type { VNode } from 'preact';
import { html, Layout, type PageContext } from '../html.ts';

export function homePage(c: PageContext): VNode {
  const m = c.m.home;
  return html`<${Layout} c=${c} title=${m.title}>
    <h1>${m.title}</h1>
    <p class="lead">${m.intro}</p>
    <div class="cards">
      <section class="card" aria-labelledby="citizens">
        <h2 id="citizens">${m.citizenTitle}</h2>
        <p>${m.citizenText}</p>
        <a class="button" href="/console/sign-in?as=citizen">${m.citizenButton}</a>
      </section>
      <section class="card" aria-labelledby="staff">
        <h2 id="staff">${m.staffTitle}</h2>
        <p>${m.staffText}</p>
        <a class="button secondary" href="/console/sign-in?as=staff">${m.staffButton}</a>
      </section>
    </div>
  <//>`;
}
