import { Block, PageSkeleton, TableSkeleton } from '@/components/ui/skeleton';

export default function SettingsLoading() {
  return (
    <PageSkeleton label="page">
      <Block className="h-8 w-48" />
      <Block className="h-4 w-2/3" />
      <TableSkeleton />
    </PageSkeleton>
  );
}
