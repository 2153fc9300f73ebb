import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown, safeHref } from "./markdown.js";

const html = (text: string) =>
  renderToStaticMarkup(<Markdown text={text} />).replace(/^<div class="markdown">|<\/div>$/g, "");

describe("Markdown (notes)", () => {
  it("renders the common subset", () => {
    expect(html("# Title\n\nSome **bold** and *em* and `x<y`.")).toBe(
      "<h3>Title</h3><p>Some <strong>bold</strong> and <em>em</em> and <code>x&lt;y</code>.</p>",
    );
    expect(html("- a\n- b\n\n1. one\n2. two")).toBe("<ul><li>a</li><li>b</li></ul><ol><li>one</li><li>two</li></ol>");
    expect(html("```\nlet a = 1;\n<b>\n```")).toBe("<pre><code>let a = 1;\n&lt;b&gt;</code></pre>");
    expect(html("> quoted\n\n---")).toBe("<blockquote><p>quoted</p></blockquote><hr/>");
    expect(html("~~old~~ new")).toBe("<p><del>old</del> new</p>");
  });

  it("links only safe URLs", () => {
    expect(html("[docs](https://example.com/a)")).toBe(
      '<p><a href="https://example.com/a" target="_blank" rel="noopener noreferrer">docs</a></p>',
    );
    expect(html("[x](javascript:alert(1))")).not.toContain("href");
    expect(html("see https://example.com/x.")).toContain('<a href="https://example.com/x"');
    expect(safeHref("/runs/abc")).toBe("/runs/abc");
    expect(safeHref("//evil.com")).toBeNull();
    expect(safeHref("data:text/html,hi")).toBeNull();
  });

  it("shows raw HTML as text, never as markup", () => {
    const out = html('<script>alert(1)</script> <img src=x onerror="alert(1)">');
    expect(out).not.toContain("<script");
    expect(out).not.toContain("<img");
    expect(out).toContain("&lt;script&gt;");
  });
});
