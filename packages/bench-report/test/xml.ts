/**
 * A strict little XML reader for tests: throws unless the document is well-formed (one root, tags
 * nested and closed, attributes quoted and unique, `<` and `&` escaped), and returns its elements.
 */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  /** Text directly inside, unescaped. */
  readonly text: string;
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

export function parseXml(document: string): XmlElement[] {
  const body = document.replace(/^<\?xml[^?]*\?>\s*/, '').trim();
  const elements: { name: string; attrs: Record<string, string>; text: string }[] = [];
  const open: { name: string; index: number }[] = [];
  let roots = 0;
  let at = 0;
  for (const match of body.matchAll(/<([^>]*)>/g)) {
    const text = body.slice(at, match.index);
    checkText(text);
    const current = open.at(-1);
    if (current) (elements[current.index] as { text: string }).text += unescape(text);
    else if (text.trim() !== '') throw new Error(`text outside the root: "${text}"`);
    at = match.index + match[0].length;
    const tag = match[1] as string;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const top = open.pop();
      if (top?.name !== name) throw new Error(`</${name}> closes <${top?.name ?? 'nothing'}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const inner = selfClosing ? tag.slice(0, -1) : tag;
    const name = /^[A-Za-z_][\w.:-]*/.exec(inner)?.[0];
    if (!name) throw new Error(`bad tag <${tag}>`);
    const attrs: Record<string, string> = {};
    const rest = inner
      .slice(name.length)
      .replace(/\s+([\w.:-]+)="([^"]*)"/g, (_, key: string, value: string) => {
        if (key in attrs) throw new Error(`duplicate attribute ${key} in <${name}>`);
        checkText(value);
        attrs[key] = unescape(value);
        return '';
      });
    if (rest.trim() !== '') throw new Error(`bad attributes in <${tag}>: "${rest}"`);
    if (open.length === 0 && ++roots > 1) throw new Error('more than one root element');
    elements.push({ name, attrs, text: '' });
    if (!selfClosing) open.push({ name, index: elements.length - 1 });
  }
  checkText(body.slice(at));
  if (body.slice(at).trim() !== '') throw new Error('text after the root');
  if (open.length > 0) throw new Error(`unclosed <${open.map((o) => o.name).join('>, <')}>`);
  return elements;
}

function checkText(text: string): void {
  if (text.includes('<')) throw new Error(`unescaped < in "${text}"`);
  if (text.replace(ENTITY, '').includes('&')) throw new Error(`unescaped & in "${text}"`);
}

function unescape(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}
