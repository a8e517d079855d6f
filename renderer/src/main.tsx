// Renderer entry: apply the theme before the first paint, connect to the engine, then mount the app.
import { createRoot } from 'react-dom/client';
import './styles/tokens.css';
import './styles/base.css';
import './styles/components.css';
import { connectStudio } from './api/connect.ts';
import { App } from './app/App.tsx';
import { ProjectsProvider } from './app/ProjectsContext.tsx';
import { StudioProvider } from './app/StudioContext.tsx';
import { startThemeTracking } from './app/theme.ts';
import { NotConnected } from './pages/NotConnected.tsx';
import { installGroupArrowKeys } from './ui/groupArrowKeys.ts';
import { ToastProvider } from './ui/Toasts.tsx';

startThemeTracking();
installGroupArrowKeys();
const connection = connectStudio();
const root = createRoot(document.getElementById('root')!);

root.render(
  connection.ok ? (
    <StudioProvider studio={connection.studio}>
      <ToastProvider>
        <ProjectsProvider>
          <App />
        </ProjectsProvider>
      </ToastProvider>
    </StudioProvider>
  ) : (
    <NotConnected />
  ),
);
