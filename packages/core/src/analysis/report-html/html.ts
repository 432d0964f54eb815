// Escape-by-default HTML building for the report page: text is escaped unless it is a fragment this module built.
import { escapeXml } from '../equity-curve-svg';

/** Markup built by `html`, so it may be inserted as is. Nothing else becomes markup. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/**
 * What may be interpolated: text (escaped), fragments (kept), lists of fragments, or nothing (`false`, `null`,
 * `undefined` print nothing, for `cond && html\`…\``). Numbers are refused on purpose: every number on the page goes
 * through the shared formatters first, so the page and the Markdown print it alike.
 */
export type HtmlValue = string | SafeHtml | readonly HtmlValue[] | false | null | undefined;

function render(value: HtmlValue): string {
  if (value === false || value === null || value === undefined) return '';
  if (value instanceof SafeHtml) return value.value;
  if (typeof value === 'string') return escapeXml(value);
  return value.map(render).join('');
}

/** A template whose interpolations are escaped, in text and in quoted attribute values alike. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Fragments (or text) joined in order. */
export const join = (parts: readonly HtmlValue[]): SafeHtml => new SafeHtml(render(parts));

// A web address with a host and nothing that could end the attribute or hide a second scheme.
const WEB_LINK = /^https?:\/\/[^\s\p{Cc}<>"'`\\/?#]+(?:[/?#][^\s\p{Cc}<>"'`\\]*)?$/iu;
// The API's own media route, same origin; no `..` so it cannot climb out of `/api/`.
const API_LINK = /^\/api\/[^\s\p{Cc}<>"'`\\]*$/u;

/** The href to use for a stored link, or undefined when it is not a plain web address or an `/api/` path. */
export function safeHref(link: string | undefined): string | undefined {
  if (link === undefined) return undefined;
  if (WEB_LINK.test(link)) return link;
  if (API_LINK.test(link) && !/\.\.|%2e/i.test(link)) return link;
  return undefined;
}

/**
 * A link that leaves the page without telling the other site where it came from, or — when `href` is not safe — its
 * text and the address shown as plain text, so a `javascript:` URL in a model's answer is seen and never followed.
 */
export function link(href: string | undefined, text: string): SafeHtml {
  const safe = safeHref(href);
  if (safe !== undefined) return html`<a href="${safe}" rel="noopener noreferrer">${text}</a>`;
  return href === undefined || href === '' ? html`${text}` : html`${text} <span class="unlinked">(${href})</span>`;
}

/**
 * A captioned table in its own horizontally scrolling box, so a wide table never widens the page. The box is a
 * focusable region named by the caption, so a keyboard user can scroll it too.
 */
export function scrollingTable(id: string, caption: string, head: readonly SafeHtml[], rows: readonly SafeHtml[]): SafeHtml {
  const captionId = `${id}-caption`;
  return join([
    html`<div class="table-wrap" role="region" aria-labelledby="${captionId}" tabindex="0">`,
    html`<table><caption id="${captionId}">${caption}</caption>`,
    html`<thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`,
  ]);
}

/** A column header; numeric columns align right. */
export const columnHeader = (text: string, numeric = false): SafeHtml =>
  numeric ? html`<th scope="col" class="num">${text}</th>` : html`<th scope="col">${text}</th>`;
