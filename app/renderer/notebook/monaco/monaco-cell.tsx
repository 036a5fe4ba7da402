import { useEffect, useRef, useState } from 'react';
import type { editor as MonacoEditor } from 'monaco-editor';
import type { CellKind } from '../../../../core/notebook';
import type { ThemeService } from '../../workbench/services';
import type { NotebookDiagnostic } from '../cell-validation';
import type { KeyPress } from '../notebook-keys';
import { applyMonacoTheme, cellModelUri, loadMonaco, type Monaco } from './monaco-loader';

export interface MonacoCellProps {
  notebookPath: string;
  cellId: string;
  kind: CellKind;
  source: string;
  diagnostics: readonly NotebookDiagnostic[];
  theme: ThemeService;
  /** Where to put the cursor when the editor opens (1-based), default the end. */
  cursor?: { line: number; column: number };
  onChange(source: string): void;
  /** Ctrl/Shift/Alt+Enter: true when the notebook took the key. */
  onRunKey(k: KeyPress): boolean;
  /** Escape (no suggestion or find widget open): back to command mode. */
  onEscape(): void;
  /** What shows until Monaco has loaded: the cell as static text, so nothing jumps. */
  placeholder: React.ReactNode;
}

/** Monaco's line height for the cells; the static view (static-code.tsx) uses the same. */
export const CELL_LINE_HEIGHT = 19;
export const CELL_FONT_SIZE = 13;
export const CELL_PADDING = 8;

/**
 * A full Monaco editor for the cell being edited: JSON with the cell kind's schema
 * (completion, hover, markers) plus RecLab's own diagnostics as markers, or markdown.
 * It sizes itself to its content (no inner scrollbar) and hands the notebook's keys back.
 */
export function MonacoCell(props: MonacoCellProps) {
  const host = useRef<HTMLDivElement>(null);
  const [monaco, setMonaco] = useState<Monaco | undefined>();
  const editorRef = useRef<MonacoEditor.IStandaloneCodeEditor | undefined>(undefined);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    let alive = true;
    void loadMonaco(props.theme.current).then((m) => alive && setMonaco(m));
    return () => {
      alive = false;
    };
  }, []);

  useEffect(() => {
    if (!monaco || !host.current) return;
    const p = latest.current;
    // The theme may have changed while no cell was being edited.
    applyMonacoTheme(monaco, p.theme.current);
    const uri = monaco.Uri.parse(cellModelUri(p.notebookPath, p.cellId, p.kind));
    monaco.editor.getModel(uri)?.dispose();
    const model = monaco.editor.createModel(p.source, p.kind === 'markdown' ? 'markdown' : 'json', uri);
    model.updateOptions({ tabSize: 2, insertSpaces: true });
    const mono = getComputedStyle(document.documentElement).getPropertyValue('--font-mono').trim();
    const editor = monaco.editor.create(host.current, {
      model,
      minimap: { enabled: false },
      lineNumbers: 'off',
      glyphMargin: false,
      folding: false,
      lineDecorationsWidth: CELL_PADDING,
      lineNumbersMinChars: 0,
      scrollBeyondLastLine: false,
      overviewRulerLanes: 0,
      hideCursorInOverviewRuler: true,
      renderLineHighlight: 'none',
      wordWrap: 'on',
      wrappingIndent: 'same',
      fontFamily: mono,
      fontSize: CELL_FONT_SIZE,
      lineHeight: CELL_LINE_HEIGHT,
      padding: { top: CELL_PADDING, bottom: CELL_PADDING },
      scrollbar: { vertical: 'hidden', horizontal: 'hidden', alwaysConsumeMouseWheel: false, handleMouseWheel: false },
      automaticLayout: true,
      fixedOverflowWidgets: true,
      contextmenu: false,
      // The hidden textarea rather than Chrome's EditContext: steadier with IMEs, pastes and automation.
      editContext: false,
      quickSuggestions: { strings: true, other: true, comments: false },
      suggest: { showWords: false },
      ariaLabel: `${p.kind} cell`,
    });
    editorRef.current = editor;
    const fit = () => {
      const h = editor.getContentHeight();
      host.current!.style.height = `${h}px`;
      editor.layout();
    };
    const subs = [
      editor.onDidContentSizeChange(fit),
      model.onDidChangeContent(() => latest.current.onChange(model.getValue())),
      editor.onKeyDown((e) => {
        const k: KeyPress = { key: e.browserEvent.key, ctrl: e.ctrlKey, shift: e.shiftKey, alt: e.altKey, meta: e.metaKey };
        if (k.key === 'Enter' && (k.ctrl || k.shift || k.alt || k.meta)) {
          if (latest.current.onRunKey(k)) {
            e.preventDefault();
            e.stopPropagation();
          }
        } else if (k.key === 'Escape' && !widgetOpen(host.current!)) {
          e.preventDefault();
          e.stopPropagation();
          latest.current.onEscape();
        }
      }),
      p.theme.onDidChange((kind) => applyMonacoTheme(monaco, kind)),
    ];
    fit();
    const end = model.getFullModelRange().getEndPosition();
    editor.setPosition(p.cursor ? { lineNumber: p.cursor.line, column: p.cursor.column } : end);
    editor.focus();
    return () => {
      for (const s of subs) s.dispose();
      editor.dispose();
      model.dispose();
      editorRef.current = undefined;
    };
  }, [monaco]);

  // The document changed under the editor (undo in command mode, a reload): take its text.
  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model && model.getValue() !== props.source) model.pushEditOperations([], [{ range: model.getFullModelRange(), text: props.source }], () => null);
  }, [props.source, monaco]);

  // RecLab's diagnostics (core/spec) as markers, next to the JSON service's own.
  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!monaco || !model) return;
    monaco.editor.setModelMarkers(
      model,
      'reclab',
      props.diagnostics.filter((d) => d.range && d.source === 'spec').map((d) => ({
        severity: d.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
        message: d.message,
        source: 'RecLab',
        startLineNumber: d.range!.startLine,
        startColumn: d.range!.startColumn,
        endLineNumber: d.range!.endLine,
        endColumn: d.range!.endColumn,
      })),
    );
  }, [props.diagnostics, monaco]);

  return (
    <div className="monaco-cell">
      <div ref={host} className="monaco-cell-host" style={monaco ? undefined : { display: 'none' }} />
      {monaco ? null : props.placeholder}
    </div>
  );
}

/** Whether a suggestion, parameter-hint or find widget of this editor is open (Escape closes it first). */
function widgetOpen(root: HTMLElement): boolean {
  return !!root.querySelector('.suggest-widget.visible, .parameter-hints-widget.visible, .find-widget.visible');
}
