import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { installGuards } from './app/guards';
import { preloadSounds } from './sound/sounds';
import './styles/base.css';
import './styles/layout.css';
import './styles/forms.css';
import './styles/verdict.css';
import './styles/scanner.css';
import './styles/day.css';
import './styles/guards.css';
import './styles/fit.css';
import './styles/screens.css';
import './styles/print.css';

installGuards();
preloadSounds();
const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
