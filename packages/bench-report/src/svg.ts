/** A very small SVG writer: elements as values, rendered with every attribute and text escaped. */

export interface SvgElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string | number>>;
  readonly children: readonly SvgChild[];
}

export type SvgChild = SvgElement | string;

export function el(
  name: string,
  attrs: Readonly<Record<string, string | number>> = {},
  ...children: SvgChild[]
): SvgElement {
  return { name, attrs, children };
}

/** A standalone SVG document of the given size, white background, in a readable sans-serif. */
export function svgDocument(width: number, height: number, ...children: SvgChild[]): string {
  const root = el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      'font-family': 'DejaVu Sans, Arial, Helvetica, sans-serif',
      'font-size': 12,
    },
    el('rect', { width, height, fill: 'white' }),
    ...children,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${render(root)}\n`;
}

export function render(node: SvgChild): string {
  if (typeof node === 'string') return escapeXml(node);
  const attrs = Object.entries(node.attrs)
    .map(([key, value]) => ` ${key}="${escapeXml(formatAttr(value))}"`)
    .join('');
  if (node.children.length === 0) return `<${node.name}${attrs}/>`;
  return `<${node.name}${attrs}>${node.children.map(render).join('')}</${node.name}>`;
}

export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** Coordinates to two decimals, so the output is short and stable. */
function formatAttr(value: string | number): string {
  return typeof value === 'number' ? String(Math.round(value * 100) / 100) : value;
}
