// Light, dark, or following the system. The choice is kept per machine; while it is 'system', the page
// follows the OS as it changes (one listener for the app's lifetime, installed before the first paint).
import { useState } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
const STORAGE_KEY = 'lathe.theme';

export function storedTheme(): ThemeChoice {
  const value = window.localStorage.getItem(STORAGE_KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');

export function applyTheme(choice: ThemeChoice): void {
  const dark = choice === 'dark' || (choice === 'system' && darkQuery().matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

export function startThemeTracking(): void {
  applyTheme(storedTheme());
  darkQuery().addEventListener('change', () => applyTheme(storedTheme()));
}

export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  return [
    choice,
    (next) => {
      window.localStorage.setItem(STORAGE_KEY, next);
      applyTheme(next);
      setChoice(next);
    },
  ];
}
