import { memo, useMemo } from 'react';
import { renderMarkdown } from './markdown';

/** A markdown cell that is not being edited: rendered (double-click or Enter edits it). */
export const MarkdownView = memo(function MarkdownView({ source, onEdit }: { source: string; onEdit(): void }) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  if (source.trim() === '') {
    return (
      <div className="markdown-view markdown-empty" onDoubleClick={onEdit}>
        Empty markdown cell: double-click or press Enter to edit.
      </div>
    );
  }
  // markdown-it escapes raw HTML (html: false): what it returns is its own markup only.
  return <div className="markdown-view" onDoubleClick={onEdit} dangerouslySetInnerHTML={{ __html: html }} />;
});
