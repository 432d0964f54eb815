// The report page's one stylesheet and the Content-Security-Policy that allows exactly it, by hash.
import { createHash } from 'node:crypto';

/**
 * Light by default, dark when the reader's system asks for it (screen only: paper stays white). Colours meet WCAG AA
 * on their backgrounds; profit and loss also carry a sign and a word, so colour is never the only signal.
 */
export const REPORT_STYLESHEET = `
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1f2328;--muted:#57606a;--line:#d0d7de;--panel:#f6f8fa;--accent:#0969da;--profit:#1a7f37;--loss:#cf222e}
@media screen and (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--panel:#161b22;--accent:#4493f8;--profit:#3fb950;--loss:#ff7b72}}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;overflow-wrap:anywhere}
.page{max-width:62rem;margin:0 auto;padding:1.5rem 1rem 2rem}
h1{font-size:1.75rem;line-height:1.2;margin:0 0 .5rem}
h2{font-size:1.35rem;line-height:1.25;margin:2.25rem 0 .75rem;padding-bottom:.3rem;border-bottom:1px solid var(--line)}
h3{font-size:1.1rem;line-height:1.3;margin:1.25rem 0 .5rem}
p,ul,ol{margin:.5rem 0}
ul,ol{padding-left:1.4rem}
a{color:var(--accent)}
.meta{color:var(--muted);margin:.2rem 0}
.question{margin:1rem 0;padding:.75rem 1rem;border-left:4px solid var(--accent);background:var(--panel);border-radius:0 8px 8px 0}
.question blockquote{margin:0;font-size:1.1rem;font-style:italic}
.question figcaption{color:var(--muted);font-size:.9rem;margin-top:.25rem}
.answer{font-size:1.1rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(9rem,100%),1fr));gap:.75rem;margin:1rem 0;padding:0}
.card{margin:0;padding:.7rem .8rem;border:1px solid var(--line);border-radius:8px;background:var(--panel);break-inside:avoid;page-break-inside:avoid}
.card dt{font-size:.85rem;color:var(--muted)}
.card dd{margin:.15rem 0 0;font-size:1.3rem;font-weight:600;font-variant-numeric:tabular-nums}
.card .note{display:block;font-size:.8rem;font-weight:400;color:var(--muted)}
.profit{color:var(--profit)}
.loss{color:var(--loss)}
figure{margin:1rem 0}
.chart-figure{break-inside:avoid;page-break-inside:avoid}
.chart-figure figcaption{color:var(--muted);font-size:.9rem}
.chart{display:block;width:100%;max-width:34rem;height:auto}
.chart text{fill:var(--muted);font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
.chart .axis-title{fill:var(--fg)}
.chart .frame{fill:none;stroke:var(--muted)}
.chart .grid{stroke:var(--line)}
.chart .zero{stroke:var(--muted)}
.chart .series{fill:none}
.chart .series.profit{stroke:var(--profit)}
.chart .series.loss{stroke:var(--loss)}
.chart .area{fill:var(--loss);fill-opacity:.18;stroke:none}
.table-wrap{overflow-x:auto;margin:1rem 0;border:1px solid var(--line);border-radius:8px;max-width:100%}
.table-wrap:focus{outline:2px solid var(--accent);outline-offset:2px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;overflow-wrap:normal}
caption{text-align:left;font-weight:600;padding:.5rem .75rem}
th,td{padding:.4rem .75rem;border-top:1px solid var(--line);text-align:left;vertical-align:top;white-space:nowrap}
thead th{color:var(--muted);font-weight:600}
.num{text-align:right}
.pattern,.insight,.finding{margin:1rem 0;padding:.75rem 1rem;border:1px solid var(--line);border-radius:8px;break-inside:avoid;page-break-inside:avoid}
.pattern h3{margin-top:0}
.insights,.findings{list-style:none;padding:0}
.evidence{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(13rem,100%),1fr));gap:.25rem 1rem;margin:.75rem 0}
.evidence div{display:flex;justify-content:space-between;gap:.5rem;border-bottom:1px dotted var(--line)}
.evidence dt{color:var(--muted)}
.evidence dd{margin:0;font-variant-numeric:tabular-nums;text-align:right}
.label{font-weight:600}
.unlinked{color:var(--muted)}
.transcript{white-space:pre-line}
.plan li{margin:.4rem 0}
.about{font-size:.9rem;color:var(--muted)}
.about h2{font-size:1.1rem}
.about h3{font-size:1rem}
.page-footer{margin-top:2.5rem;padding-top:.75rem;border-top:1px solid var(--line);color:var(--muted);font-size:.85rem}
@media print{
:root{--bg:#fff;--fg:#000;--muted:#333;--line:#999;--panel:#fff;--accent:#000;--profit:#000;--loss:#000}
body{font-size:11pt;background:none}
.page{max-width:none;padding:0}
.card,.question,.table-wrap,.pattern,.insight,.finding{background:none}
.table-wrap{overflow:visible;border:0}
th,td{white-space:normal}
table,tr,figure,.card,.pattern,.insight,.finding{break-inside:avoid;page-break-inside:avoid}
h2,h3{break-after:avoid;page-break-after:avoid}
a{text-decoration:underline}
a[href]::after{content:" (" attr(href) ")";font-size:.85em;overflow-wrap:anywhere}
.chart .area{fill:#999}
}
`.trim();

/** `'sha256-…'`: the CSP source that allows this stylesheet and no other inline style. */
export const REPORT_STYLE_HASH = `'sha256-${createHash('sha256').update(REPORT_STYLESHEET, 'utf8').digest('base64')}'`;

/**
 * The Content-Security-Policy the route sends with the page: nothing loads, nothing runs, only this stylesheet
 * applies. `img-src data:` covers the empty `data:` favicon that stops the browser asking the server for one.
 */
export const REPORT_PAGE_CSP = [
  "default-src 'none'",
  `style-src ${REPORT_STYLE_HASH}`,
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
