// The empty state of a page that needs something made elsewhere first (a project, a model, a dataset): why,
// and a button to the page where it is made.
import type { ReactNode } from 'react';
import type { IconName } from '../ui/icons.tsx';
import { Button, Card, EmptyState } from '../ui/primitives.tsx';
import { PAGES, type PageId } from './routes.ts';

export function GoFirst({ icon, title, page, navigate, actionLabel, children }: {
  icon: IconName;
  title: string;
  /** Where the missing thing is made. */
  page: PageId;
  navigate(page: PageId): void;
  /** The button's words when "Go to <page>" says less than the step it leads to; it still goes to `page`. */
  actionLabel?: string;
  children: ReactNode;
}) {
  const target = PAGES.find((p) => p.id === page)!;
  const action = <Button variant="primary" onClick={() => navigate(page)}>{actionLabel ?? `Go to ${target.title}`}</Button>;
  return (
    <Card>
      <EmptyState icon={icon} title={title} action={action}>{children}</EmptyState>
    </Card>
  );
}
