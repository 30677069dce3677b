/** What the browser shows when the authorization server sends the user back to Taskdeck. */
export interface CallbackPage {
  status: number;
  title: string;
  message: string;
}

/** No script, no style, no outside resource: the page is text. */
export const CALLBACK_PAGE_CSP =
  "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function callbackPageHtml(page: CallbackPage): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)} · Taskdeck</title></head>` +
    `<body><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.message)}</p></body></html>\n`
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
