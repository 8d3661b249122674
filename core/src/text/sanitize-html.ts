/**
 * Customer HTML (an email, an API channel's `html`), made safe to show (sanitize-html, an
 * allow-list). Every channel that stores HTML uses this one sanitiser. Scripts, event handlers,
 * forms, iframes, `javascript:` links and styles that load anything are removed. Remote images
 * are blocked: their `src` moves to `data-remote-src`, so the inbox shows them only after the
 * agent clicks. Inline images keep their `cid:` source, which the inbox maps to the message's
 * attachment (the message's `metadata.inlineImages`). Links open in a new tab without a referrer.
 */
import sanitize from "sanitize-html";

export interface SanitizedHtml {
  html: string;
  /** How many remote images were blocked. */
  remoteImages: number;
  /** The `cid:` ids the HTML refers to. */
  cids: string[];
}

const TAGS = [
  "a",
  "abbr",
  "b",
  "blockquote",
  "br",
  "caption",
  "center",
  "cite",
  "code",
  "col",
  "colgroup",
  "dd",
  "del",
  "div",
  "dl",
  "dt",
  "em",
  "font",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "hr",
  "i",
  "img",
  "ins",
  "kbd",
  "li",
  "ol",
  "p",
  "pre",
  "q",
  "s",
  "small",
  "span",
  "strike",
  "strong",
  "sub",
  "sup",
  "table",
  "tbody",
  "td",
  "tfoot",
  "th",
  "thead",
  "tr",
  "tt",
  "u",
  "ul",
];

const PRESENTATION = [
  "align",
  "valign",
  "width",
  "height",
  "bgcolor",
  "border",
  "cellpadding",
  "cellspacing",
  "colspan",
  "rowspan",
  "dir",
  "lang",
  "title",
  "style",
  "class",
];

/** CSS values may not load anything (`url(...)`, `image-set`, `expression`). */
const SAFE_CSS = /^(?!.*(?:url\s*\(|image-set|expression\s*\(|@import|\\)).*$/i;
const STYLES = [
  "color",
  "background-color",
  "font-family",
  "font-size",
  "font-style",
  "font-weight",
  "text-align",
  "text-decoration",
  "line-height",
  "margin",
  "margin-top",
  "margin-bottom",
  "margin-left",
  "margin-right",
  "padding",
  "padding-top",
  "padding-bottom",
  "padding-left",
  "padding-right",
  "border",
  "border-collapse",
  "width",
  "max-width",
  "height",
  "vertical-align",
  "white-space",
  "display",
];

/**
 * Sanitises customer HTML for the inbox's sandboxed message frame (GET /inbox/messages/:id/html).
 * Store `html` as the message's HTML; keep `remoteImages` in its metadata if you want to show it.
 *
 * @example
 * import { sanitizeHtml } from "@switchboard/core";
 * const { html, remoteImages } = sanitizeHtml('<p onclick="x()">Hi<script>alert(1)</script><img src="https://t.example/p.gif"></p>');
 * // html: '<p>Hi<img data-remote-src="https://t.example/p.gif" /></p>', remoteImages: 1
 */
export function sanitizeHtml(input: string): SanitizedHtml {
  let remoteImages = 0;
  const cids: string[] = [];
  const html = sanitize(input, {
    allowedTags: TAGS,
    allowedAttributes: {
      "*": PRESENTATION,
      a: ["href", "name", "target", "rel"],
      img: ["src", "alt", "width", "height", "data-remote-src"],
      font: ["color", "face", "size"],
      blockquote: ["type", "cite"],
      td: ["nowrap"],
      th: ["nowrap", "scope"],
    },
    allowedSchemes: ["http", "https", "mailto", "tel"],
    allowedSchemesByTag: { img: ["cid", "data"] },
    allowedSchemesAppliedToAttributes: ["href", "src", "cite"],
    allowProtocolRelative: false,
    allowedStyles: { "*": Object.fromEntries(STYLES.map((property) => [property, [SAFE_CSS]])) },
    disallowedTagsMode: "discard",
    nonTextTags: ["script", "style", "textarea", "option", "noscript", "title", "head", "template"],
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: "_blank", rel: "noopener noreferrer nofollow" } }),
      img: (tagName, attribs) => {
        const src = (attribs.src ?? "").trim();
        const { src: _dropped, ...rest } = attribs;
        if (/^cid:/i.test(src)) {
          cids.push(src.slice(4));
          return { tagName, attribs: { ...rest, src } };
        }
        if (/^data:image\/(?:png|gif|jpe?g|webp);base64,/i.test(src)) return { tagName, attribs: { ...rest, src } };
        if (/^(?:https?:)?\/\//i.test(src)) {
          remoteImages++;
          return { tagName, attribs: { ...rest, "data-remote-src": src } };
        }
        return { tagName, attribs: rest };
      },
    },
  });
  return { html, remoteImages, cids };
}
