// Whether the sidebar shows its labels or only its numbers and icons. A window 900 px wide or less starts folded (the
// page wants the room), a wider one open; the toggle changes that, and each width class keeps its own choice on this
// machine, so folding on a wide screen does not leave a narrow window crowded, nor the reverse.
import { useEffect, useState } from 'react';

export const NARROW_WINDOW = '(max-width: 900px)';
const storageKey = (narrow: boolean) => `lathe.sidebar.${narrow ? 'narrow' : 'wide'}`;

function storedFold(narrow: boolean): boolean {
  const value = window.localStorage.getItem(storageKey(narrow));
  return value === 'folded' ? true : value === 'open' ? false : narrow;
}

/** [folded, toggle]: follows the window across 900 px, keeping the choice made in each width class. */
export function useSidebarFold(): [boolean, () => void] {
  const [narrow, setNarrow] = useState(() => window.matchMedia(NARROW_WINDOW).matches);
  const [folded, setFolded] = useState(() => storedFold(narrow));
  useEffect(() => {
    const query = window.matchMedia(NARROW_WINDOW);
    const onChange = () => {
      setNarrow(query.matches);
      setFolded(storedFold(query.matches));
    };
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  return [
    folded,
    () => {
      window.localStorage.setItem(storageKey(narrow), folded ? 'open' : 'folded');
      setFolded(!folded);
    },
  ];
}
