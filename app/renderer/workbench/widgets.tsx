import { useRef, type ReactNode } from 'react';

/** A codicon (`name` without the `codicon-` prefix). */
export function Icon({ name, spin, className, title }: { name: string; spin?: boolean; className?: string; title?: string }) {
  return <span aria-hidden={title ? undefined : true} title={title} className={`codicon codicon-${name}${spin ? ' codicon-modifier-spin' : ''}${className ? ` ${className}` : ''}`} />;
}

/** A toolbar's icon button, as in a view's title bar. */
export function ActionButton({ icon, title, onClick, disabled }: { icon: string; title: string; onClick(): void; disabled?: boolean }) {
  return (
    <button type="button" className="action-button" title={title} aria-label={title} onClick={(e) => {
        e.stopPropagation();
        onClick();
      }}
      disabled={disabled}
    >
      <Icon name={icon} />
    </button>
  );
}

/** Text with the characters at `matches` highlighted (fuzzy matches). */
export function Highlighted({ text, matches }: { text: string; matches?: readonly number[] }) {
  if (!matches?.length) return <>{text}</>;
  const set = new Set(matches);
  const out: ReactNode[] = [];
  let run = '';
  let inMatch = false;
  const flush = (key: number) => {
    if (run) out.push(inMatch ? <span key={key} className="highlight">{run}</span> : run);
    run = '';
  };
  for (let i = 0; i < text.length; i++) {
    const m = set.has(i);
    if (m !== inMatch) {
      flush(i);
      inMatch = m;
    }
    run += text[i];
  }
  flush(text.length);
  return <>{out}</>;
}

/** Key caps: `Ctrl` `Shift` `P`. */
export function Keys({ parts }: { parts: readonly string[] }) {
  return (
    <span className="keys">
      {parts.map((p, i) => (
        <kbd key={i}>{p}</kbd>
      ))}
    </span>
  );
}

/**
 * A drag handle between two parts (VS Code's sash). `onDrag` gets the size the part
 * would have: `start` plus the pointer's movement (`direction` -1 when the part grows
 * the other way, as the panel does upwards). Double-click resets.
 */
export function Sash({ orientation, start, direction = 1, onDrag, onReset, className }: { orientation: 'vertical' | 'horizontal'; start(): number; direction?: 1 | -1; onDrag(size: number): void; onReset(): void; className?: string }) {
  const drag = useRef<{ origin: number; size: number } | undefined>(undefined);
  return (
    <div
      className={`sash sash-${orientation}${className ? ` ${className}` : ''}`}
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        e.preventDefault();
        (e.target as HTMLElement).setPointerCapture(e.pointerId);
        drag.current = { origin: orientation === 'vertical' ? e.clientX : e.clientY, size: start() };
        document.body.classList.add(orientation === 'vertical' ? 'resizing-x' : 'resizing-y');
      }}
      onPointerMove={(e) => {
        const d = drag.current;
        if (!d) return;
        const pos = orientation === 'vertical' ? e.clientX : e.clientY;
        onDrag(d.size + direction * (pos - d.origin));
      }}
      onPointerUp={(e) => {
        drag.current = undefined;
        (e.target as HTMLElement).releasePointerCapture(e.pointerId);
        document.body.classList.remove('resizing-x', 'resizing-y');
      }}
      onDoubleClick={onReset}
    />
  );
}
