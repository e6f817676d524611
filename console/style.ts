/**
 * The console's one stylesheet: system fonts, high contrast (WCAG AA), visible focus, readable on a
 * phone. Served by ndx itself under a content-hashed name (no CDN, cacheable forever).
 */
import { createHash } from 'node:crypto';

export const CSS = `
:root{--ink:#1a1a1a;--muted:#4a4a4a;--line:#c8c8c8;--bg:#fff;--soft:#f3f5f7;--brand:#a3151c;--link:#0b4f9c;--ok:#116329;--warn:#8a4b00;--bad:#a3151c;--focus:#ffbf47}
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;font-size:16px;line-height:1.5;color:var(--ink);background:var(--bg)}
body{margin:0}
a{color:var(--link)}
a:focus,button:focus,input:focus,select:focus,summary:focus{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:9}
header.top{background:var(--brand);color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;justify-content:space-between}
header.top a,header.top .who{color:#fff}
header.top .brand{font-weight:700;font-size:1.1rem;text-decoration:none}
nav.areas ul{list-style:none;display:flex;flex-wrap:wrap;gap:1rem;margin:0;padding:0}
nav.areas a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
.tools{display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
.tools form{margin:0}
.tools button{background:#fff;color:var(--brand);border:0;padding:.3rem .7rem;border-radius:4px;font:inherit;cursor:pointer}
.local{background:#fff4ce;color:#3d2e00;padding:.5rem 1rem;border-bottom:1px solid #e0c060;font-weight:600}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.75rem;margin:.5rem 0 1rem}
h2{font-size:1.3rem;margin:1.5rem 0 .5rem}
p.lead{font-size:1.1rem;color:var(--muted);max-width:48rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1rem}
.card{border:1px solid var(--line);border-radius:8px;padding:1rem;background:var(--soft)}
.card h2,.card h3{margin-top:0}
.button,button.primary{display:inline-block;background:var(--link);color:#fff;border:0;border-radius:4px;padding:.6rem 1rem;font:inherit;text-decoration:none;cursor:pointer}
button.danger{background:var(--bad);color:#fff;border:0;border-radius:4px;padding:.6rem 1rem;font:inherit;cursor:pointer}
button.secondary,.button.secondary{background:#fff;color:var(--link);border:2px solid var(--link);border-radius:4px;padding:.5rem 1rem;font:inherit;cursor:pointer;text-decoration:none;display:inline-block}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:.75rem}
.actions form{margin:0}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{text-align:left;vertical-align:top;padding:.5rem;border-bottom:1px solid var(--line)}
th{background:var(--soft)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
dl.terms{display:grid;grid-template-columns:minmax(9rem,14rem) 1fr;gap:.25rem 1rem;margin:.5rem 0}
dl.terms dt{font-weight:600;color:var(--muted)}
dl.terms dd{margin:0}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:999px;font-size:.875rem;font-weight:600;border:1px solid currentColor}
.badge.ok{color:var(--ok)}.badge.warn{color:var(--warn)}.badge.bad{color:var(--bad)}.badge.muted{color:var(--muted)}
.notice{border-left:6px solid var(--link);background:var(--soft);padding:.75rem 1rem;margin:1rem 0}
.notice.warn{border-color:var(--warn)}
.notice.bad{border-color:var(--bad)}
.notice.ok{border-color:var(--ok)}
ol.accesses{list-style:none;padding:0}
ol.accesses>li{border:1px solid var(--line);border-radius:8px;padding:1rem;margin:0 0 1rem}
ul.fields{margin:0;padding-left:1.2rem}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
figure{margin:1rem 0}figcaption{color:var(--muted)}
svg text{font-family:inherit;font-size:12px;fill:var(--ink)}
nav.subnav ul{list-style:none;display:flex;flex-wrap:wrap;gap:1rem;margin:0 0 1rem;padding:0 0 .5rem;border-bottom:1px solid var(--line)}
nav.subnav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.scroll{overflow-x:auto}
caption{text-align:left;font-weight:600;padding:.25rem 0}
p.small{font-size:.9rem;color:var(--muted)}
ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;margin:.25rem 0}
.swatch{display:inline-block;width:.9rem;height:.9rem;margin-right:.3rem;vertical-align:middle;border-radius:2px}
.o-OK{background:#116329}.o-NOT_FOUND{background:#0b4f9c}.o-DENIED{background:#a3151c}.o-INVALID{background:#8a4b00}.o-ERROR{background:#5b2a86}.o-DUPLICATE{background:#4a4a4a}
.l-avg{background:#0b4f9c}.l-max{background:repeating-linear-gradient(90deg,#a3151c 0 6px,#fff 6px 9px)}
footer{max-width:72rem;margin:2rem auto;padding:1rem;color:var(--muted);border-top:1px solid var(--line)}
nav.crumbs ol{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem .5rem;padding:0;margin:0 0 .5rem;color:var(--muted)}
nav.crumbs li+li::before{content:"›";margin-right:.5rem}
form.inline-form{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:flex-end}
select,input[type=date],textarea{font:inherit;padding:.3rem;border:1px solid var(--muted);border-radius:4px}
.hint{color:var(--muted);font-size:.9rem}
td .badge{white-space:nowrap}
@media (max-width:40rem){dl.terms{grid-template-columns:1fr}}
`;

export const CSS_PATH = `/console/assets/console.${createHash('sha256').update(CSS).digest('hex').slice(0, 12)}.css`;
