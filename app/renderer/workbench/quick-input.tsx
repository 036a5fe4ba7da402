import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { useModels } from './use-model';
import { Highlighted, Icon, Keys } from './widgets';
import type { Workbench } from './workbench';

const ROW = 24;
const VISIBLE_ROWS = 16;

/**
 * The quick input at the top of the window: the command palette, Quick Open, a pick or
 * an input box. The box keeps focus; arrows, Page Up/Down move, Enter accepts, Escape
 * (or a click elsewhere) dismisses, and focus goes back where it was.
 */
export function QuickInput({ wb }: { wb: Workbench }) {
  const q = wb.quickInput;
  useModels(q);
  const inputRef = useRef<HTMLInputElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const returnFocus = useRef<Element | null>(null);
  const virtual = useVirtualizer({ count: q.items.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 8 });

  useEffect(() => {
    if (q.visible) {
      returnFocus.current ??= document.activeElement;
      inputRef.current?.focus();
    } else if (returnFocus.current) {
      const el = returnFocus.current as HTMLElement;
      returnFocus.current = null;
      if (el.isConnected && typeof el.focus === 'function') el.focus();
    }
  }, [q.visible, q.mode]);
  useEffect(() => {
    if (q.items.length) virtual.scrollToIndex(q.activeIndex);
  }, [q.activeIndex, q.items.length]);

  if (!q.visible) return null;
  const onKeyDown = (e: React.KeyboardEvent) => {
    switch (e.key) {
      case 'ArrowDown':
        q.move(1);
        break;
      case 'ArrowUp':
        q.move(-1);
        break;
      case 'PageDown':
        q.moveClamped(VISIBLE_ROWS - 1);
        break;
      case 'PageUp':
        q.moveClamped(-(VISIBLE_ROWS - 1));
        break;
      case 'Enter':
        q.accept();
        break;
      case 'Escape':
        q.dismiss();
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  };
  const active = q.items[q.activeIndex];
  return (
    <div className="quick-input-anchor">
      <div className="quick-input" role="dialog" aria-label={q.prompt ?? q.placeholder}>
        <input
          ref={inputRef}
          className={`quick-input-box${q.validation ? ' invalid' : ''}`}
          value={q.value}
          placeholder={q.placeholder}
          spellCheck={false}
          autoComplete="off"
          role="combobox"
          aria-expanded={q.mode === 'pick'}
          aria-controls="quick-input-list"
          aria-activedescendant={q.mode === 'pick' && active ? `qi-${q.activeIndex}` : undefined}
          onChange={(e) => q.setValue(e.target.value)}
          onKeyDown={onKeyDown}
          onBlur={(e) => {
            // Focus leaving the quick input (not into it) dismisses it, as in VS Code.
            if (!e.currentTarget.parentElement?.contains(e.relatedTarget as Node | null)) q.dismiss();
          }}
        />
        {q.mode === 'input' && (
          <div className={`quick-input-message${q.validation ? ' error' : ''}`}>{q.validation ?? `${q.prompt} (Enter to confirm, Escape to cancel)`}</div>
        )}
        {q.mode === 'pick' && (
          <div className="quick-input-list" id="quick-input-list" role="listbox" ref={scrollRef} style={{ maxHeight: ROW * VISIBLE_ROWS }}>
            {q.items.length === 0 && <div className="quick-input-empty">{q.emptyText}</div>}
            <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
              {virtual.getVirtualItems().map((v) => {
                const item = q.items[v.index];
                return (
                  <div
                    key={`${item.id}:${v.index}`}
                    id={`qi-${v.index}`}
                    role="option"
                    aria-selected={v.index === q.activeIndex}
                    aria-disabled={item.disabled}
                    className={`quick-input-row${v.index === q.activeIndex ? ' active' : ''}${item.disabled ? ' disabled' : ''}${item.separator && v.index > 0 ? ' separated' : ''}`}
                    style={{ transform: `translateY(${v.start}px)`, height: ROW }}
                    onMouseMove={() => q.setActive(v.index)}
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => q.accept(v.index)}
                    data-id={item.id}
                  >
                    {item.icon && <Icon name={item.icon} className="quick-input-icon" />}
                    <span className="quick-input-label">
                      <Highlighted text={item.label} matches={item.labelMatches} />
                    </span>
                    {item.description && (
                      <span className="quick-input-description">
                        <Highlighted text={item.description} matches={item.descriptionMatches} />
                      </span>
                    )}
                    <span className="quick-input-right">
                      {item.separator && <span className="quick-input-separator">{item.separator}</span>}
                      {item.keys && <Keys parts={item.keys} />}
                    </span>
                  </div>
                );
              })}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
