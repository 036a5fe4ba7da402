import '@vscode/codicons/dist/codicon.css';
import './styles/theme.css';
import './styles/base.css';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/client';
import { App } from './workbench/app';

const api = createApiClient();
createRoot(document.getElementById('root')!).render(<App api={api} />);
