import { memo, useEffect, useState } from 'react';
import type { ApiClient } from '../../common/api';
import { ActivityBar as ActivityBarPart } from './activity-bar';
import { connectDom, browserEnvironment } from './dom';
import { EditorArea as EditorAreaPart } from './editor-area';
import { PANEL_HEIGHT, SIDEBAR_WIDTH } from './layout-model';
import { Notifications as NotificationsPart } from './notifications';
import { Panel as PanelPart } from './panel';
import { QuickInput as QuickInputPart } from './quick-input';
import { SideBar as SideBarPart } from './side-bar';
import { StatusBar as StatusBarPart } from './status-bar';
import { useModels } from './use-model';
import { Sash } from './widgets';
import { Workbench } from './workbench';
import './workbench.css';

// Each part renders from its own models: a sash drag re-renders the shell, not the editors.
const ActivityBar = memo(ActivityBarPart);
const SideBar = memo(SideBarPart);
const EditorArea = memo(EditorAreaPart);
const Panel = memo(PanelPart);
const StatusBar = memo(StatusBarPart);
const QuickInput = memo(QuickInputPart);
const Notifications = memo(NotificationsPart);

/** The workbench's root: builds the models once, renders at once (before any reply), connects the page. */
export function App({ api }: { api: ApiClient }) {
  const [wb] = useState(() => new Workbench(api, browserEnvironment()));
  useEffect(() => {
    const dom = connectDom(wb);
    return () => dom.dispose();
  }, [wb]);
  return <Shell wb={wb} />;
}

/** Re-renders on window resizes (the side bar and panel leave the editor room). */
function useWindowSize(): void {
  const [, setSize] = useState(0);
  useEffect(() => {
    const onResize = () => setSize(window.innerWidth * 10_000 + window.innerHeight);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
}

export function Shell({ wb }: { wb: Workbench }) {
  useModels(wb.layout);
  useWindowSize();
  const { sidebar, panel } = wb.layout.state;
  // The side bar leaves the editor at least this much; the panel leaves the editor some room.
  const sidebarWidth = Math.min(sidebar.width, Math.max(SIDEBAR_WIDTH.min, window.innerWidth - 48 - 300));
  const panelHeight = Math.min(panel.height, Math.max(PANEL_HEIGHT.min, window.innerHeight - 22 - 160));
  return (
    <div className="workbench">
      <div className="workbench-main">
        <ActivityBar wb={wb} />
        {sidebar.visible && (
          <>
            <div className="sidebar-container" style={{ width: sidebarWidth }}>
              <SideBar wb={wb} />
            </div>
            <Sash orientation="vertical" start={() => sidebarWidth} onDrag={(w) => wb.layout.resizeSidebar(w)} onReset={() => wb.layout.resetSidebarWidth()} />
          </>
        )}
        <div className="editor-column">
          <EditorArea wb={wb} />
          {panel.visible && (
            <>
              <Sash orientation="horizontal" direction={-1} start={() => panelHeight} onDrag={(h) => wb.layout.resizePanel(h)} onReset={() => wb.layout.resetPanelHeight()} />
              <div className="panel-container" style={{ height: panelHeight }}>
                <Panel wb={wb} />
              </div>
            </>
          )}
        </div>
      </div>
      <StatusBar wb={wb} />
      <QuickInput wb={wb} />
      <Notifications wb={wb} />
    </div>
  );
}
