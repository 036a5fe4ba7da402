import { describe, expect, it } from 'vitest';
import { defaultLayout, LayoutModel, PANEL_HEIGHT, SIDEBAR_WIDTH } from '../../../../app/renderer/workbench/layout-model';

describe('LayoutModel', () => {
  it('toggles views as the activity bar does: the shown view hides the side bar, another shows itself', () => {
    const l = new LayoutModel();
    l.toggleView('notebooks');
    expect(l.state.sidebar).toMatchObject({ visible: false, view: 'notebooks' });
    l.toggleView('runs');
    expect(l.state.sidebar).toMatchObject({ visible: true, view: 'runs' });
    l.toggleView('datasets');
    expect(l.state.sidebar).toMatchObject({ visible: true, view: 'datasets' });
    l.toggleSidebar();
    expect(l.state.sidebar.visible).toBe(false);
  });

  it('clamps sizes, closes the side bar or panel when dragged below the snap size, and keeps their last size', () => {
    const l = new LayoutModel();
    l.resizeSidebar(5000);
    expect(l.state.sidebar.width).toBe(SIDEBAR_WIDTH.max);
    l.resizeSidebar(140);
    expect(l.state.sidebar).toMatchObject({ visible: true, width: SIDEBAR_WIDTH.min });
    l.resizeSidebar(330.6);
    l.resizeSidebar(40);
    expect(l.state.sidebar).toMatchObject({ visible: false, width: 331 });
    l.resizePanel(30);
    expect(l.state.panel).toMatchObject({ visible: false, height: PANEL_HEIGHT.default });
    l.resizePanel(80);
    expect(l.state.panel).toMatchObject({ visible: true, height: PANEL_HEIGHT.min });
  });

  it('shows a panel tab, and hides the panel when that tab is asked for again', () => {
    const l = new LayoutModel();
    l.togglePanelTab('problems');
    expect(l.state.panel).toMatchObject({ visible: true, tab: 'problems' });
    l.togglePanelTab('problems');
    expect(l.state.panel.visible).toBe(false);
    l.showPanel('log');
    expect(l.state.panel).toMatchObject({ visible: true, tab: 'log' });
  });

  it('fires a change only when something changed', () => {
    const l = new LayoutModel();
    let n = 0;
    l.onDidChange(() => n++);
    l.showView('notebooks');
    l.showPanel('log');
    expect(n).toBe(0);
    l.showView('runs');
    expect(n).toBe(1);
  });

  it('round-trips its state, and reads saved state defensively', () => {
    const l = new LayoutModel();
    l.showView('datasets');
    l.resizeSidebar(300);
    l.togglePanelTab('problems');
    l.resizePanel(400);
    const saved = JSON.parse(JSON.stringify(l.toJSON()));
    const m = new LayoutModel();
    m.restore(saved);
    expect(m.toJSON()).toEqual(l.toJSON());

    m.restore({ sidebar: { visible: 'yes', view: 'files', width: Number.NaN }, panel: { tab: 'problems', height: 99999 } });
    expect(m.toJSON()).toEqual({ sidebar: defaultLayout().sidebar, panel: { visible: true, tab: 'problems', height: PANEL_HEIGHT.max } });
    m.restore(null);
    expect(m.toJSON()).toEqual(defaultLayout());
  });
});
