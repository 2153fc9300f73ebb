import type { ReactNode } from "react";

/**
 * A small Markdown renderer for run notes, safe by construction: it builds React elements (text
 * is always escaped by React; no HTML string is ever injected) and only links http(s), mailto
 * and in-app paths. Supported: headings, paragraphs, **bold**, *italic*, ~~strike~~, `code`,
 * fenced code blocks, [links](https://…), bare URLs, lists (- * + and 1.), > quotes, --- rules.
 * Raw HTML is shown as text.
 */
export function Markdown({ text }: { text: string }) {
  return <div className="markdown">{renderBlocks(text.replace(/\r\n?/g, "\n").split("\n"), "b")}</div>;
}

export function safeHref(url: string): string | null {
  const u = url.trim();
  if (/^(https?:\/\/|mailto:)/i.test(u)) return u;
  if (/^\/(?!\/)/.test(u) || u.startsWith("#")) return u;
  return null;
}

const listItem = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;

function renderBlocks(lines: string[], keyPrefix: string): ReactNode[] {
  const out: ReactNode[] = [];
  let i = 0;
  const key = () => `${keyPrefix}${out.length}`;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === "") {
      i++;
      continue;
    }
    const fence = /^\s*(```|~~~)(.*)$/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] as string).trim().startsWith(fence[1] as string))
        body.push(lines[i++] as string);
      i++;
      out.push(
        <pre key={key()}>
          <code>{body.join("\n")}</code>
        </pre>,
      );
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const level = (heading[1] as string).length;
      const Tag = `h${Math.min(level + 2, 6)}` as "h3";
      out.push(<Tag key={key()}>{renderInline(heading[2] as string, key())}</Tag>);
      i++;
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      out.push(<hr key={key()} />);
      i++;
      continue;
    }
    if (/^\s{0,3}>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^\s{0,3}>/.test(lines[i] as string))
        body.push((lines[i++] as string).replace(/^\s{0,3}>\s?/, ""));
      out.push(<blockquote key={key()}>{renderBlocks(body, `${key()}q`)}</blockquote>);
      continue;
    }
    const item = listItem.exec(line);
    if (item) {
      const ordered = /\d/.test(item[1] as string);
      const items: string[] = [];
      while (i < lines.length) {
        const l = lines[i] as string;
        const m = listItem.exec(l);
        if (m && /\d/.test(m[1] as string) === ordered) items.push(m[2] as string);
        else if (l.trim() !== "" && /^\s+/.test(l) && items.length > 0) items[items.length - 1] += ` ${l.trim()}`;
        else break;
        i++;
      }
      const k = key();
      const children = items.map((t, n) => <li key={`${k}i${n}`}>{renderInline(t, `${k}i${n}`)}</li>);
      out.push(ordered ? <ol key={k}>{children}</ol> : <ul key={k}>{children}</ul>);
      continue;
    }
    const para: string[] = [];
    while (i < lines.length) {
      const l = lines[i] as string;
      if (l.trim() === "" || /^\s*(```|~~~)/.test(l) || /^\s{0,3}(#{1,6}\s|>)/.test(l) || listItem.test(l)) break;
      para.push(l.trim());
      i++;
    }
    out.push(<p key={key()}>{renderInline(para.join("\n"), key())}</p>);
  }
  return out;
}

interface InlineRule {
  re: RegExp;
  render(m: RegExpExecArray, key: string): ReactNode;
}

const inlineRules: InlineRule[] = [
  { re: /`([^`]+)`/, render: (m, key) => <code key={key}>{m[1]}</code> },
  {
    re: /\[([^\]]+)\]\(([^)\s]+)\)/,
    render: (m, key) => {
      const href = safeHref(m[2] as string);
      const label = renderInline(m[1] as string, key);
      return href ? (
        <a key={key} href={href} target={href.startsWith("http") ? "_blank" : undefined} rel="noopener noreferrer">
          {label}
        </a>
      ) : (
        <span key={key}>{label}</span>
      );
    },
  },
  {
    re: /<?(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])>?/,
    render: (m, key) => (
      <a key={key} href={m[1]} target="_blank" rel="noopener noreferrer">
        {m[1]}
      </a>
    ),
  },
  {
    re: /\*\*(.+?)\*\*|__(.+?)__/,
    render: (m, key) => <strong key={key}>{renderInline((m[1] ?? m[2]) as string, key)}</strong>,
  },
  { re: /~~(.+?)~~/, render: (m, key) => <del key={key}>{renderInline(m[1] as string, key)}</del> },
  {
    re: /\*([^*\s][^*]*?)\*|\b_([^_\s][^_]*?)_\b/,
    render: (m, key) => <em key={key}>{renderInline((m[1] ?? m[2]) as string, key)}</em>,
  },
  { re: / {2,}\n|\\\n/, render: (_m, key) => <br key={key} /> },
];

function renderInline(text: string, keyPrefix: string): ReactNode[] {
  const out: ReactNode[] = [];
  let rest = text;
  while (rest.length > 0) {
    let best: { rule: InlineRule; m: RegExpExecArray } | null = null;
    for (const rule of inlineRules) {
      const m = rule.re.exec(rest);
      if (m && (best === null || m.index < best.m.index)) best = { rule, m };
    }
    if (!best) {
      out.push(rest);
      break;
    }
    if (best.m.index > 0) out.push(rest.slice(0, best.m.index));
    out.push(best.rule.render(best.m, `${keyPrefix}.${out.length}`));
    rest = rest.slice(best.m.index + best.m[0].length);
  }
  return out;
}
