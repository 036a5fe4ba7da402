/**
 * The sandboxed preload: exposes the one typed API to the page as `window.reclabApi`
 * (call and events) and nothing else; no Node, no ipcRenderer, no other channel.
 * Bundled by esbuild into one file, as sandboxed preloads cannot require local modules.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL, IPC_EVENT } from '../common/wire';

contextBridge.exposeInMainWorld('reclabApi', {
  call: (name: string, args: unknown) => ipcRenderer.invoke(IPC_CALL, name, args),
  on: (listener: (event: string, payload: unknown) => void) => {
    const handler = (_e: IpcRendererEvent, event: string, payload: unknown) => listener(event, payload);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => ipcRenderer.removeListener(IPC_EVENT, handler);
  },
});
