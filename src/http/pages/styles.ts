/**
 * Colours of the pages. Every text colour has at least 4.5:1 contrast on the background it is used on
 * (test/pages/pages.test.ts computes the WCAG ratios); chart strokes are at least 3:1 on white.
 */
export const PALETTE = {
  text: "#1a1a1a",
  muted: "#555555",
  background: "#ffffff",
  surface: "#f3f3f3",
  haltRow: "#fbeeed",
  border: "#cccccc",
  link: "#0b57d0",
  header: "#1a1a1a",
  halt: "#b3261e",
  continue: "#1b6e20",
  pending: "#7a4f01",
  fail: "#b3261e",
  error: "#8e2d8e",
  nodata: "#4a4a8a",
  inconclusive: "#555555",
  pass: "#1b6e20",
  baseline: "#1f5fa8",
  canary: "#c2410c",
  grid: "#d0d0d0",
} as const;

const P = PALETTE;
const STATUSES = ["halt", "continue", "pending", "fail", "error", "nodata", "inconclusive", "pass"] as const;

/*
 * One stylesheet for every page, served as /assets/canary-gate.css: the pages' CSP allows no inline style.
 */
export const STYLES = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:${P.text};background:${P.background}}
a{color:${P.link}}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid ${P.link};outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:${P.background};padding:.5rem}
.skip:focus{left:.5rem}
.site{background:${P.header};color:#ffffff;padding:.5rem 1rem}
.site nav{max-width:72rem;margin:0 auto;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}
.site a{color:#ffffff;font-weight:600}
.site form.signout{margin:0 0 0 auto;display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .75rem}
.site form.signout button{padding:0 .5rem;background:${P.header};border-color:#ffffff}
main{display:block;max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem;overflow-wrap:anywhere}
h2{font-size:1.3rem;margin:2rem 0 .5rem}
h3{font-size:1.15rem;margin:0;overflow-wrap:anywhere}
h4{font-size:1rem;margin:1rem 0 .25rem}
p{margin:.5rem 0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875em;background:${P.surface};padding:0 .2rem;border-radius:3px;overflow-wrap:anywhere;word-break:break-word}
.muted{color:${P.muted}}
.visually-hidden{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.badge{display:inline-block;padding:0 .45rem;border-radius:3px;color:#ffffff;font-weight:700;font-size:.8rem;letter-spacing:.03em;text-transform:uppercase;white-space:nowrap;vertical-align:middle}
${STATUSES.map((status) => `.badge.${status}{background:${P[status]}}`).join("\n")}
.tag{display:inline-block;border:1px solid ${P.muted};color:${P.muted};border-radius:3px;padding:0 .35rem;font-size:.8rem;vertical-align:middle}
.banner{border:2px solid ${P.border};border-left-width:.75rem;border-radius:6px;padding:.75rem 1rem;margin:1rem 0;background:${P.surface}}
.banner.halt{border-color:${P.halt};background:${P.haltRow}}
.banner.continue{border-color:${P.continue}}
.banner.pending{border-color:${P.pending}}
.banner .verdict{font-size:1.3rem;font-weight:700;margin:0}
.banner .reason{font-size:1.05rem;overflow-wrap:anywhere}
dl.facts{display:grid;grid-template-columns:fit-content(45%) minmax(0,1fr);gap:.2rem 1rem;margin:.5rem 0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0;overflow-wrap:anywhere;min-width:0}
dl.meta{display:flex;flex-wrap:wrap;gap:.15rem 1.5rem;margin:.5rem 0}
dl.meta div{display:flex;flex-wrap:wrap;gap:0 .4rem;min-width:0}
dl.meta dt{color:${P.muted}}
dl.meta dd{margin:0;overflow-wrap:anywhere;min-width:0}
.links{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;padding:0;list-style:none;margin:.5rem 0}
.card{border:1px solid ${P.border};border-left-width:.5rem;border-radius:6px;padding:1rem;margin:1rem 0}
${STATUSES.slice(3).map((status) => `.card.${status}{border-left-color:${P[status]}}`).join("\n")}
.card-body{display:grid;grid-template-columns:minmax(0,1fr);gap:0 2rem}
@media (min-width:62rem){.card-body{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}}
.card-head{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .75rem}
.summary{overflow-wrap:anywhere}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;margin:.25rem 0}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{padding:.3rem .5rem;border-bottom:1px solid ${P.border};text-align:left;vertical-align:top}
thead th{border-bottom:2px solid ${P.muted};white-space:nowrap}
td{overflow-wrap:break-word}
table.wide{min-width:36rem}
td code{overflow-wrap:normal;word-break:normal;white-space:nowrap}
td.reason{min-width:14rem}
.nowrap{white-space:nowrap}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.halt th,tr.halt td{background:${P.haltRow}}
ul.queries{list-style:none;padding:0;margin:0}
ul.queries li{border-top:1px solid ${P.border};padding:.4rem 0}
figure{margin:.5rem 0}
figcaption{margin-top:.25rem}
.chart{overflow-x:auto}
.chart svg{display:block;width:100%;max-width:36rem;height:auto}
details{margin:.25rem 0}
summary{cursor:pointer;color:${P.link}}
form.filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end;margin:.5rem 0 1rem}
form.filters label{display:flex;flex-direction:column;font-weight:600;gap:.15rem}
input,select,button{font:inherit;padding:.35rem .5rem;border:1px solid ${P.muted};border-radius:4px;background:${P.background};color:${P.text};max-width:100%}
button{background:${P.link};border-color:${P.link};color:#ffffff;font-weight:600;cursor:pointer}
@media (max-width:40rem){
  main{padding:.75rem}
  h1{font-size:1.35rem}
  .card{padding:.75rem}
  .banner{padding:.5rem .75rem}
}
`;
