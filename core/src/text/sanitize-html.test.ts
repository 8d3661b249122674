// The shared HTML sanitiser (email and the API channel): what is removed, what is kept, and how
// remote and inline images are parked.
import { describe, expect, it } from "vitest";
import { sanitizeHtml } from "../index.ts";

describe("sanitizeHtml", () => {
  it("drops styles that load anything and keeps harmless ones", () => {
    const { html } = sanitizeHtml(
      '<div style="color: red; background: url(https://t.example/x.png)">a</div><p style="background-image: url(x)">b</p><form><input></form><iframe src="https://x"></iframe>',
    );
    expect(html).toBe('<div style="color:red">a</div><p>b</p>');
  });

  it("removes scripts, event handlers and javascript: links, and parks remote images", () => {
    const out = sanitizeHtml(
      '<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:alert(2)">go</a><img src="https://t.example/p.gif" onerror="alert(3)"><img src="cid:logo@acme"></p>',
    );
    expect(out.html).toBe(
      '<p>Hi<a target="_blank" rel="noopener noreferrer nofollow">go</a><img data-remote-src="https://t.example/p.gif" /><img src="cid:logo@acme" /></p>',
    );
    expect(out.remoteImages).toBe(1);
    expect(out.cids).toEqual(["logo@acme"]);
  });
});
