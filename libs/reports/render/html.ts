const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML and SVG, in content and in quoted attributes. Every value from data goes through it. */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

/** Joins rendered fragments, skipping empty ones. */
export function join(
  parts: readonly (string | false | null | undefined)[],
  separator = '',
): string {
  return parts.filter((p): p is string => typeof p === 'string' && p !== '').join(separator);
}
