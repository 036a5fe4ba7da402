import MarkdownIt from 'markdown-it';

/**
 * Markdown cells as HTML: markdown-it with raw HTML off (a notebook from elsewhere cannot
 * inject markup or scripts), links made plain (the workbench does not navigate away).
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: true });
const defaultLink = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx].attrSet('target', '_blank');
  tokens[idx].attrSet('rel', 'noopener noreferrer');
  return defaultLink(tokens, idx, options, env, self);
};

export function renderMarkdown(source: string): string {
  return md.render(source);
}
