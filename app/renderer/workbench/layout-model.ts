import { ChangeModel } from './model';

export const SIDE_VIEWS = ['notebooks', 'runs', 'datasets'] as const;
export type SideView = (typeof SIDE_VIEWS)[number];
export const PANEL_TABS = ['log', 'problems'] as const;
export type PanelTab = (typeof PANEL_TABS)[number];

export interface LayoutState {
  sidebar: { visible: boolean; view: SideView; width: number };
  panel: { visible: boolean; tab: PanelTab; height: number };
}

export const SIDEBAR_WIDTH = { min: 170, default: 260, max: 800 } as const;
export const PANEL_HEIGHT = { min: 100, default: 240, max: 1200 } as const;
/** Dragged below this, the side bar or panel closes (VS Code's snap). */
const SNAP_SIDEBAR = 100;
const SNAP_PANEL = 60;

export function defaultLayout(): LayoutState {
  return {
    sidebar: { visible: true, view: 'notebooks', width: SIDEBAR_WIDTH.default },
    panel: { visible: true, tab: 'log', height: PANEL_HEIGHT.default },
  };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(v)));

/**
 * Where the parts of the workbench are: the side bar's view, width and visibility, the
 * panel's tab, height and visibility. Restored from saved state, which is read
 * defensively (a value of the wrong type or out of range falls back to its default).
 */
export class LayoutModel extends ChangeModel {
  private s: LayoutState = defaultLayout();

  get state(): Readonly<LayoutState> {
    return this.s;
  }

  /** VS Code's activity bar: the shown view's icon hides the side bar, another icon shows its view. */
  toggleView(view: SideView): void {
    if (this.s.sidebar.visible && this.s.sidebar.view === view) this.update({ sidebar: { ...this.s.sidebar, visible: false } });
    else this.showView(view);
  }

  showView(view: SideView): void {
    this.update({ sidebar: { ...this.s.sidebar, view, visible: true } });
  }

  toggleSidebar(): void {
    this.update({ sidebar: { ...this.s.sidebar, visible: !this.s.sidebar.visible } });
  }

  /** A drag of the side bar's edge: below the snap width it closes, keeping its last width. */
  resizeSidebar(width: number): void {
    if (width < SNAP_SIDEBAR) this.update({ sidebar: { ...this.s.sidebar, visible: false } });
    else this.update({ sidebar: { ...this.s.sidebar, visible: true, width: clamp(width, SIDEBAR_WIDTH.min, SIDEBAR_WIDTH.max) } });
  }

  togglePanel(): void {
    this.update({ panel: { ...this.s.panel, visible: !this.s.panel.visible } });
  }

  showPanel(tab: PanelTab): void {
    this.update({ panel: { ...this.s.panel, tab, visible: true } });
  }

  /** Shows the tab, or hides the panel when that tab is already shown (a status bar click, Ctrl+Shift+M). */
  togglePanelTab(tab: PanelTab): void {
    if (this.s.panel.visible && this.s.panel.tab === tab) this.update({ panel: { ...this.s.panel, visible: false } });
    else this.showPanel(tab);
  }

  resizePanel(height: number): void {
    if (height < SNAP_PANEL) this.update({ panel: { ...this.s.panel, visible: false } });
    else this.update({ panel: { ...this.s.panel, visible: true, height: clamp(height, PANEL_HEIGHT.min, PANEL_HEIGHT.max) } });
  }

  resetSidebarWidth(): void {
    this.update({ sidebar: { ...this.s.sidebar, width: SIDEBAR_WIDTH.default } });
  }

  resetPanelHeight(): void {
    this.update({ panel: { ...this.s.panel, height: PANEL_HEIGHT.default } });
  }

  toJSON(): LayoutState {
    return { sidebar: { ...this.s.sidebar }, panel: { ...this.s.panel } };
  }

  /** Applies saved state; anything missing or malformed keeps its default. */
  restore(saved: unknown): void {
    const d = defaultLayout();
    const o = isRecord(saved) ? saved : {};
    const sb = isRecord(o.sidebar) ? o.sidebar : {};
    const pn = isRecord(o.panel) ? o.panel : {};
    this.s = {
      sidebar: {
        visible: typeof sb.visible === 'boolean' ? sb.visible : d.sidebar.visible,
        view: SIDE_VIEWS.includes(sb.view as SideView) ? (sb.view as SideView) : d.sidebar.view,
        width: isFiniteNumber(sb.width) ? clamp(sb.width, SIDEBAR_WIDTH.min, SIDEBAR_WIDTH.max) : d.sidebar.width,
      },
      panel: {
        visible: typeof pn.visible === 'boolean' ? pn.visible : d.panel.visible,
        tab: PANEL_TABS.includes(pn.tab as PanelTab) ? (pn.tab as PanelTab) : d.panel.tab,
        height: isFiniteNumber(pn.height) ? clamp(pn.height, PANEL_HEIGHT.min, PANEL_HEIGHT.max) : d.panel.height,
      },
    };
    this.changed();
  }

  private update(part: Partial<LayoutState>): void {
    const next = { ...this.s, ...part };
    if (JSON.stringify(next) === JSON.stringify(this.s)) return;
    this.s = next;
    this.changed();
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
