// Minimal XML writing for Query-protocol answers. Values are escaped here and nowhere else, so a
// tag value such as `a<b&"c"` reaches the client intact.

// XML 1.0 cannot carry these characters at all (not even as character references).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escape text for an element body or attribute; CR/LF/TAB as references so parsers keep them. */
export function escapeXml(value: string): string {
  return value
    .replace(INVALID_XML_CHARS, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#xD;')
    .replace(/\n/g, '&#xA;')
    .replace(/\t/g, '&#x9;');
}

export type XmlScalar = string | number | boolean | Date | undefined | null;

function scalarText(value: Exclude<XmlScalar, undefined | null>): string {
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** `<name>value</name>` with the value escaped; nothing when the value is absent. */
export function text(name: string, value: XmlScalar): string {
  if (value === undefined || value === null) return '';
  return `<${name}>${escapeXml(scalarText(value))}</${name}>`;
}

/** `<name>…</name>` around already-built XML. */
export function el(name: string, ...children: string[]): string {
  return `<${name}>${children.join('')}</${name}>`;
}

/** A list element whose items are each wrapped in `itemName` (the model's member locationName). */
export function list<T>(
  name: string,
  itemName: string,
  items: readonly T[],
  render: (item: T) => string,
): string {
  return el(name, ...items.map((item) => el(itemName, render(item))));
}

/** A list of scalars, e.g. `<AvailabilityZones><AvailabilityZone>…`. */
export function textList(name: string, itemName: string, items: readonly string[]): string {
  return el(name, ...items.map((item) => text(itemName, item)));
}
