// Select's two ways to a base model: pick one (the Select page) or train your own (#/select/pretrain).
// The address names the builder so a reload lands on it.
import { useEffect, useState } from 'react';
import type { PageId } from '../../app/routes.ts';
import { SelectPage } from '../select/SelectPage.tsx';
import { PretrainPage } from './PretrainPage.tsx';

export const PRETRAIN_HASH = '#/select/pretrain';
export const openPretrain = (): void => { window.location.hash = PRETRAIN_HASH.slice(1); };
const isPretrain = () => window.location.hash.startsWith(PRETRAIN_HASH);

export function SelectRoute({ navigate }: { navigate(page: PageId): void }) {
  const [pretrain, setPretrain] = useState(isPretrain);
  useEffect(() => {
    const onHash = () => setPretrain(isPretrain());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return pretrain ? <PretrainPage /> : <SelectPage navigate={navigate} />;
}
