/**
 * The page's Content-Security-Policy allows `<style>` elements only with the per-response nonce
 * the gateway writes into `<meta name="csp-nonce">`. Monaco (GraphiQL's editor) creates its style
 * elements itself, so every `<style>` created on this page is given that nonce. Imported first.
 */
const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? '';
const createElement = Document.prototype.createElement;

Document.prototype.createElement = function (this: Document, tagName: string, options?: ElementCreationOptions) {
  const element = createElement.call(this, tagName, options);
  if (nonce && tagName.toLowerCase() === 'style') element.setAttribute('nonce', nonce);
  return element;
} as typeof Document.prototype.createElement;

export {};
