import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { App } from './App';
import './styles.css';

// zod must not try `new Function` (eval) under the page's CSP.
z.config({ jitless: true });

const container = document.getElementById('root');
if (!container) throw new Error('Taskdeck: #root element missing from index.html');

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
