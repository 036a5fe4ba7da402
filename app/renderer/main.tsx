import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/client';
import { App } from './workbench/app';
import './styles/theme.css';
import './styles/base.css';

const api = createApiClient();
createRoot(document.getElementById('root')!).render(<App api={api} />);
