import { createRoot } from 'react-dom/client';

createRoot(document.getElementById('root')!).render(<p>Lathe</p>);
