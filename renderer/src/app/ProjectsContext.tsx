// The list of projects and which one is current. Every stage page works on the current project; the choice
// survives reloads (localStorage) and falls back to the newest project when the stored one is gone.
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Project } from '../../../native/api/schemas.ts';
import { useQuery } from './StudioContext.tsx';

const STORAGE_KEY = 'lathe.currentProject';

interface ProjectsState {
  projects: Project[];
  loading: boolean;
  /**
   * The current project is not known yet: the first list is loading, or it arrived and the fallback to the newest
   * project is about to apply. Pages are keyed by project, so one drawn now would be drawn again (its input lost)
   * a moment later; the frame waits instead.
   */
  settling: boolean;
  error: Error | null;
  current: Project | null;
  select(id: string | null): void;
  reload(): void;
}

const ProjectsContext = createContext<ProjectsState | null>(null);

export function ProjectsProvider({ children }: { children: ReactNode }) {
  const query = useQuery('projects.list', {});
  const [selectedId, setSelectedId] = useState<string | null>(() => window.localStorage.getItem(STORAGE_KEY));
  const projects = useMemo(() => query.data ?? [], [query.data]);
  const current = projects.find((p) => p.id === selectedId) ?? null;

  // The list this selection was made against: a project just created is not in it, so the fallback waits for
  // the list that reload() brings instead of replacing the new project with the newest one it knew before.
  const selectedAgainst = useRef<Project[] | undefined>(undefined);

  const fallbackDue = !query.loading && !current && projects.length > 0 && !(selectedAgainst.current !== undefined && selectedAgainst.current === query.data);
  useEffect(() => {
    if (!fallbackDue) return;
    const newest = [...projects].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    setSelectedId(newest.id);
  }, [fallbackDue, projects]);

  const state: ProjectsState = {
    projects,
    loading: query.loading && !query.data,
    settling: (query.loading && !query.data && !query.error) || fallbackDue,
    error: query.error,
    current,
    select(id) {
      selectedAgainst.current = query.data;
      if (id) window.localStorage.setItem(STORAGE_KEY, id);
      else window.localStorage.removeItem(STORAGE_KEY);
      setSelectedId(id);
    },
    reload: query.reload,
  };
  return <ProjectsContext.Provider value={state}>{children}</ProjectsContext.Provider>;
}

export function useProjects(): ProjectsState {
  const state = useContext(ProjectsContext);
  if (!state) throw new Error('useProjects() needs a <ProjectsProvider> above it');
  return state;
}
