/**
 * Puts a message into its two forms: plain text, and HTML in which every fact is escaped (a store
 * name or a tracking number is data, never markup). Message texts are written with `line`, a tag
 * whose literal parts are trusted and whose interpolated parts are escaped in the HTML form.
 */
export interface MessageLine {
  text: string;
  html: string;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

const htmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => htmlEntities[c] ?? c);
}

export function line(literals: TemplateStringsArray, ...facts: (string | number)[]): MessageLine {
  let text = literals[0] ?? '';
  let html = literals[0] ?? '';
  facts.forEach((fact, i) => {
    const literal = literals[i + 1] ?? '';
    text += String(fact) + literal;
    html += escapeHtml(String(fact)) + literal;
  });
  return { text, html };
}

export function renderMessage(
  language: string,
  subject: string,
  greeting: MessageLine,
  body: MessageLine[],
  signature: MessageLine,
): RenderedMessage {
  const lines = [greeting, ...body, signature];
  return {
    subject,
    text: `${lines.map((l) => l.text).join('\n\n')}\n`,
    html:
      `<!doctype html><html lang="${escapeHtml(language)}"><head><meta charset="utf-8">` +
      `<title>${escapeHtml(subject)}</title></head><body>` +
      lines.map((l) => `<p>${l.html}</p>`).join('') +
      '</body></html>',
  };
}
